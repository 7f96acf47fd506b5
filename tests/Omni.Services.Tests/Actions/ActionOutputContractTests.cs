using System.Text.Json;
using Omni.Engine.Workflows.Actions;
using Omni.Services.Actions;
using Omni.Services.Actions.Agents;
using Omni.Services.Actions.Guards;
using Omni.Services.Actions.Meta;
using Omni.Services.Actions.Notify;
using Omni.Services.Actions.Persist;
using Omni.Services.Actions.Safety;
using Omni.Services.Actions.Speech;
using Omni.Services.Actions.Text;
using Omni.Services.Actions.Vision;
using Omni.Services.Connections;
using Omni.Services.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Omni.Services.Tests.Actions;

/// <summary>
/// The registry's output declarations (<see cref="ActionDescriptor.Outputs"/>) are what the executors really return:
/// every built-in executor runs (through the executor registry, against WireMock and Azurite as elsewhere) on its
/// outcomes, and each output may hold only declared fields, of the declared type, with every always-given field present.
/// The validator trusts these declarations, so a field added to an executor without declaring it fails here.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class ActionOutputContractTests(AzuriteFixture azurite)
{
    private static readonly string[] Branches = ["reply: an ordinary question we can answer", "escalate: angry, legal or a refund"];

    [Fact]
    public async Task EveryExecutor_OutputsOnlyDeclaredFields()
    {
        await using var host = await ActionsHost.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Omni:Agents:decider:Endpoint"] = ActionsHost.ServerUrl + "/decider/v1",
            ["Omni:Agents:decider:ApiKey"] = "sk-decider",
            ["Omni:Agents:decider:Model"] = "gpt-4o-mini",
        });
        await host.Storage.EnsureCreatedAsync();
        Providers.ServeVoiceNote(host);
        Providers.ServeImage(host);
        Providers.ServeVideo(host);
        Providers.Transcribe(host, Providers.GroqPath, "manda o relatório amanhã");
        Providers.Chat(host, Providers.ChatPath, "Tudo ótimo!");
        Providers.Chat(host, "/qwen/v1/chat/completions", "A cat on a sofa.");
        Providers.Chat(host, "/openai/v1/chat/completions", """{"text":"I'll arrive at five.","source_language":"pt"}""");
        Providers.Chat(host, "/decider/v1/chat/completions", """{"branch":"escalate","reason":"The customer threatens legal action."}""");
        Moderation.Moderate(host, Moderation.OpenAiPath, Moderation.OpenAiAnswer(flagged: true), inputContaining: "hurt");
        Moderation.Moderate(host, Moderation.OpenAiPath, Moderation.OpenAiAnswer(flagged: false), inputContaining: "five");
        Evolution.AnswerSendText(host);
        host.Server.Given(Request.Create().WithPath("/hooks/*")).RespondWith(Response.Create().WithStatusCode(204));

        var text = ActionsHost.TextEvent();
        var sender = text.SenderHandle!;
        var own = text with { FromMe = true };
        var outputs = new List<(string ActionId, JsonElement Output)>();

        async Task Run(string actionId, Omni.Engine.Events.OmniEvent e, object? parameters = null, string[]? providers = null, string runId = "run-1")
        {
            var outcome = await host.Registry.ExecuteAsync(ActionsHost.Invocation(actionId, e, parameters, runId: runId, stepId: $"step-{outputs.Count}"), providers);
            outputs.Add((actionId, outcome.Output));
        }

        await Run(AllowlistGuard.Id, text, new { handles = new[] { sender } });
        await Run(AllowlistGuard.Id, text, new { handles = new[] { "5511000000000@s.whatsapp.net" } });
        await Run(DenylistGuard.Id, text, new { handles = new[] { sender } });
        await Run(DenylistGuard.Id, text, new { handles = new[] { "5511000000000@s.whatsapp.net" } });
        await Run(BlocklistGuard.Id, text);
        await Run(SelfRouteGuard.Id, own, new { mode = "ignore" });
        await Run(SelfRouteGuard.Id, text, new { mode = "log" });
        await Run(DebounceGuard.Id, text, new { window = "1m" });
        await Run(RateLimitGuard.Id, text, new { limit = 1, window = "1h" }, runId: "run-a");
        await Run(RateLimitGuard.Id, text, new { limit = 1, window = "1h" }, runId: "run-b");
        await Run(ContactOverrideGuard.Id, text, new { label = "vip", handles = new[] { sender }, agent = "concierge", system_prompt = "Be brief." });
        await Run(ContactOverrideGuard.Id, text, new { label = "vip", handles = new[] { "5511000000000@s.whatsapp.net" } });
        await Run(SpeechToTextExecutor.Id, host.MediaEvent("audio", Providers.VoicePath, "audio/ogg"), providers: ["groq"]);
        await Run(DescribeImageExecutor.Id, host.MediaEvent("image", Providers.ImagePath, "image/jpeg"), providers: ["qwen-vl"]);
        await Run(DescribeVideoExecutor.Id, host.MediaEvent("video", Providers.VideoPath, "video/mp4"), providers: ["qwen-vl"]);
        await Run(TranslateExecutor.Id, text, new { to = "en" }, providers: ["groq"]);
        await Run(SafetyExecutor.Id, text, new { text = "I know where you live and I will hurt you." }, providers: ["openai"]);
        await Run(SafetyExecutor.Id, text, new { text = "See you at five!" }, providers: ["openai"]);
        await Run(SmartDecisionExecutor.Id, text, new { branches = Branches, fallback = "reply", agent = "decider" });
        await Run(SmartDecisionExecutor.Id, text, new { branches = Branches, fallback = "reply" }); // the default agent answers prose: the fallback
        await Run(PersistSummaryExecutor.Id, text, new { text = "Ana asked for the invoice." });
        await Run(PersistSummaryExecutor.Id, text with { OccurredAt = text.ReceivedAt.AddHours(-1) }, new { text = "Older." }, runId: "run-older");
        await Run(PersistTaggingExecutor.Id, text, new { tags = new[] { "VIP", "lead" } });
        await Run(AnalyticsLogExecutor.Id, text, new { name = "replied", tags = new[] { "vip" } });
        await Run(AgentChatExecutor.Id, text);
        await Run(RouteReplyExecutor.Id, text, new { text = "Olá!" }, runId: "run-reply");
        await Run(EscalateHumanExecutor.Id, text, new { reason = "asked for a person" }, runId: "run-escalate");
        await Run(NotifyWebhookExecutor.Id, text, new { url = host.Url + "/hooks/crm?token=abc" }, runId: "run-notify");
        await Run(ForwardCrossChannelExecutor.Id, text, new { instance = ActionsHost.Instance, to = "5511999990003@s.whatsapp.net" }, runId: "run-forward");

        var problems = new List<string>();
        foreach (var (actionId, output) in outputs)
        {
            var declared = ActionRegistry.Default.Resolve(actionId)!.Descriptor.Outputs;
            problems.AddRange(Check(actionId, output, declared));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // The runs above reach the outcomes they are there for (each shape of output is checked).
        bool[] Flags(string actionId, string field) => [.. outputs.Where(o => o.ActionId == actionId).Select(o => o.Output.GetProperty(field).GetBoolean())];
        Assert.Equal([true, false], Flags(SafetyExecutor.Id, "flagged"));
        Assert.Equal([false, true], Flags(SmartDecisionExecutor.Id, "fell_back"));
        Assert.Equal([true, false], Flags(PersistSummaryExecutor.Id, "stored"));

        // Every executor the host registers ran above: a new one must be added here, so its declaration is checked too.
        var registered = host.Registry.ActionIds.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(registered, outputs.Select(o => o.ActionId).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SideEffects_DeclareTheUnknownEffectFields()
    {
        // EffectOnceExecutor answers {"effect": "unknown", "reason"} when it cannot know whether a side effect was sent.
        Assert.All(ActionRegistry.Default.Actions.Where(a => a.IsSideEffect && a.Outputs.Count > 0), a =>
            Assert.Empty(Check(a.Id, JsonSerializer.SerializeToElement(new { effect = "unknown", reason = "recorded and never completed" }), a.Outputs, partial: true)));
    }

    /// <summary>What is wrong with <paramref name="output"/> against <paramref name="declared"/> (empty when it conforms).</summary>
    private static IEnumerable<string> Check(string actionId, JsonElement output, IReadOnlyList<OutputField> declared, bool partial = false)
    {
        if (output.ValueKind != JsonValueKind.Object)
        {
            yield return $"{actionId}: output is {output.ValueKind}, not an object";
            yield break;
        }

        foreach (var property in output.EnumerateObject())
        {
            var field = declared.FirstOrDefault(f => f.Name == property.Name);
            if (field is null)
            {
                yield return $"{actionId}: output field '{property.Name}' is not declared ({output.GetRawText()})";
            }
            else if (property.Value.ValueKind != JsonValueKind.Null && !Fits(field.Type, property.Value))
            {
                yield return $"{actionId}: output field '{property.Name}' is declared {OutputTypes.Name(field.Type)} but is {property.Value.ValueKind}";
            }
        }

        if (!partial)
        {
            foreach (var field in declared.Where(f => f.Always && !output.TryGetProperty(f.Name, out _)))
            {
                yield return $"{actionId}: output field '{field.Name}' is declared always given but is missing ({output.GetRawText()})";
            }
        }
    }

    private static bool Fits(OutputType type, JsonElement value) => type switch
    {
        OutputType.Text => value.ValueKind == JsonValueKind.String,
        OutputType.WholeNumber => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        OutputType.Number => value.ValueKind == JsonValueKind.Number,
        OutputType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        OutputType.TextList => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(i => i.ValueKind == JsonValueKind.String),
        OutputType.Record => value.ValueKind == JsonValueKind.Object,
        _ => value.ValueKind == JsonValueKind.Array,
    };
}
