using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Events;
using Omni.Local.Tests.Support;
using Omni.Services.Events;
using Omni.Services.Identity;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Omni.Local.Tests;

/// <summary>
/// <c>POST /api/wish</c> and <c>/api/wish/plan</c> against a real Omni.Local, WireMock standing in for the model and
/// scripted at the OpenAI chat-completions tool-calling shape (one answer per round, in order).
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class WishApiTests(AzuriteFixture azurite) : IDisposable
{
    private const string Completions = "/v1/chat/completions";
    private const string Mom = "5511999990501@s.whatsapp.net";
    private const string Bob = "5511999990502@s.whatsapp.net";
    private const string Old = "5511999990503@s.whatsapp.net";
    private const string DiscordDm = "700000000000000501";
    private static readonly long T0 = DateTimeOffset.UtcNow.AddDays(-3).ToUnixTimeSeconds();
    private readonly WireMockServer _model = WireMockServer.Start();

    public void Dispose() => _model.Stop();

    private Task<OmniHost> StartAsync(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(McpServerTests.Keys)
        {
            ["Omni:Agents:wish:Endpoint"] = _model.Urls[0] + "/v1",
            ["Omni:Agents:wish:ApiKey"] = "model-key",
            ["Omni:Agents:wish:Model"] = "gpt-test",
            ["Omni:Wish:MaxRounds"] = "3",
        };
        foreach (var (key, value) in ReplyStateApiTests.TwoChannels.Concat(extra ?? []))
        {
            settings[key] = value;
        }

        return OmniHost.StartAsync(azurite, consumer: false, settings: settings);
    }

    [Fact]
    public async Task Wish_WhoHasNotRepliedThisWeek_AnswersExactlyTheAwaitedConversationsWithTheirEventIds()
    {
        await using var host = await StartAsync();
        await SeedAsync(host);
        var momOut = EvolutionId("3EB0WSH0000002");
        var discordOut = EventKey.ComputeEventId("discord", "dc", "900000000000000501", EventKinds.Message);
        Script(
            ToolCall("call_1", "list_conversations", """{"awaiting_reply": true, "since": "7d"}"""),
            Answer($$"""{"answer": "Mom (WhatsApp) and your Discord DM have not replied this week.", "abstain": false, "reason": null, "cited": ["{{Mom}}", "{{momOut}}", "{{DiscordDm}}", "{{discordOut}}"]}"""));

        var result = await WishAsync(host, """{"text": "who hasn't replied this week?"}""");

        var call = Assert.Single(result.GetProperty("plan").EnumerateArray());
        Assert.Equal("list_conversations", call.GetProperty("tool").GetString());
        Assert.Equal("ok", call.GetProperty("outcome").GetString());
        Assert.False(result.GetProperty("abstained").GetBoolean());
        Assert.Equal(new[] { Mom, momOut, DiscordDm, discordOut }.Order(), result.GetProperty("evidence").EnumerateArray().Select(e => e.GetString()!).Order());
        Assert.Empty(result.GetProperty("unverified_citations").EnumerateArray());
        Assert.Equal(["discord", "whatsapp"], result.GetProperty("coverage").GetProperty("channels").EnumerateArray().Select(c => c.GetString()));

        // What Omni fed back to the model: exactly the two awaited conversations (Bob owes us nothing, Old is older than 7 days).
        var toolMessage = Requests()[1].GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool");
        var fed = JsonDocument.Parse(toolMessage.GetProperty("content").GetString()!).RootElement;
        Assert.Equal([DiscordDm, Mom], fed.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("conversation_id").GetString()));
        Assert.Equal([discordOut, momOut], fed.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("last_outbound_event_id").GetString()));
        var first = Requests()[0];
        Assert.Equal(8, first.GetProperty("tools").GetArrayLength()); // every tool but wish itself
        Assert.Equal("Bearer model-key", _model.LogEntries[0].RequestMessage!.Headers!["Authorization"][0]);

        // The plan re-runs without the model.
        var plan = JsonSerializer.Serialize(new { plan = result.GetProperty("plan") });
        var rerun = await PostAsync(host, "/api/wish/plan", plan);
        Assert.Equal(HttpStatusCode.OK, rerun.Status);
        Assert.Equal(2, rerun.Body.GetProperty("results")[0].GetProperty("conversations").GetArrayLength());
        Assert.Equal(2, _model.LogEntries.Count);
    }

    [Fact]
    public async Task Wish_ModelAsksForAnotherInstance_RefusalFedBack_AndAbstains()
    {
        await using var host = await StartAsync();
        await SeedAsync(host);
        Script(
            ToolCall("call_1", "search_events", """{"instance": "other", "text_contains": "password"}"""),
            Answer("""{"answer": null, "abstain": true, "reason": "I may not read instance other.", "cited": []}"""));

        var result = await WishAsync(host, """{"text": "what did they say on the other instance?"}""", McpServerTests.ScopedKey);

        Assert.Equal("forbidden", Assert.Single(result.GetProperty("plan").EnumerateArray()).GetProperty("outcome").GetString());
        Assert.True(result.GetProperty("abstained").GetBoolean());
        var fedBack = Requests()[1].GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool").GetProperty("content").GetString()!;
        Assert.Contains("\"forbidden\"", fedBack, StringComparison.Ordinal);
        Assert.Equal(["demo"], result.GetProperty("coverage").GetProperty("instances").EnumerateArray().Select(i => i.GetString()));
    }

    [Fact]
    public async Task Wish_ModelLoops_StoppedAtTheRoundLimit()
    {
        await using var host = await StartAsync();
        _model.Given(Request.Create().WithPath(Completions).UsingPost())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(ToolCall("call_x", "get_catalog", "{}")));

        var (status, body) = await PostAsync(host, "/api/wish", """{"text": "loop forever"}""");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        var error = body.GetProperty("error");
        Assert.Equal("round_limit", error.GetProperty("details").GetProperty("reason").GetString());
        Assert.Contains("after 3 rounds", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, error.GetProperty("details").GetProperty("plan").GetArrayLength());
        Assert.Equal(3, _model.LogEntries.Count);
    }

    [Fact]
    public async Task Wish_MalformedToolCall_FedBackAsAnError()
    {
        await using var host = await StartAsync();
        Script(
            ToolCall("call_1", "search_events", "{not json"),
            Answer("""{"answer": null, "abstain": true, "reason": "my tool call failed", "cited": []}"""));

        var result = await WishAsync(host, """{"text": "anything new?"}""");

        Assert.Equal("bad_arguments", Assert.Single(result.GetProperty("plan").EnumerateArray()).GetProperty("outcome").GetString());
        var fedBack = Requests()[1].GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool").GetProperty("content").GetString()!;
        Assert.Contains("not valid JSON", fedBack, StringComparison.Ordinal);
        Assert.True(result.GetProperty("abstained").GetBoolean());
    }

    [Fact]
    public async Task Wish_RemindMe_StartsExactlyOneRun_AndDryRunStartsNone()
    {
        await using var host = await StartAsync();
        await SeedAsync(host);
        var momId = (await host.ListEventsAsync(conversationId: Mom)).First(e => !e.GetProperty("from_me").GetBoolean()).GetProperty("identity_id").GetString()!;
        var remind = ToolCall("call_1", "start_workflow", $$"""{"workflow_id": "remind-if-no-reply", "identity_id": "{{momId}}"}""");
        var done = Answer("""{"answer": "I will remind you if Mom has not answered.", "abstain": false, "reason": null, "cited": []}""");

        Script(remind, done);
        var dry = await WishAsync(host, """{"text": "remind me if Mom has not answered by Friday", "dry_run": true}""");
        Assert.Empty(dry.GetProperty("runs").EnumerateArray());
        Assert.True(dry.GetProperty("plan")[0].GetProperty("arguments").GetProperty("dry_run").GetBoolean());
        Assert.Equal(0, await ExplicitStartsQueuedAsync(host));

        _model.Reset();
        Script(remind, done);
        var wet = await WishAsync(host, """{"text": "remind me if Mom has not answered by Friday"}""");
        var runId = Assert.Single(wet.GetProperty("runs").EnumerateArray()).GetString()!;
        Assert.Contains(runId, wet.GetProperty("evidence").EnumerateArray().Select(e => e.GetString()).Concat(wet.GetProperty("runs").EnumerateArray().Select(r => r.GetString())));
        Assert.Equal(1, await ExplicitStartsQueuedAsync(host));
        await host.DrainWorkflowsAsync();
        var run = await host.GetJsonAsync($"/api/runs/{runId}");
        Assert.Equal("remind-if-no-reply", run.GetProperty("workflow_id").GetString());

        // Mom's conversation's last event is our message, which triggers the same workflow by itself: still one run for it.
        var actions = await host.GetJsonAsync($"/api/events/{run.GetProperty("event_id").GetString()}/actions");
        Assert.Single(actions.GetProperty("runs").EnumerateArray(), r => r.GetProperty("workflow_id").GetString() == "remind-if-no-reply");

        // Asked again: the same run, not a second one.
        _model.Reset();
        Script(remind, done);
        var again = await WishAsync(host, """{"text": "remind me if Mom has not answered by Friday"}""");
        Assert.Empty(again.GetProperty("runs").EnumerateArray());

        // A reading key cannot act through wish either.
        _model.Reset();
        Script(remind, done);
        var reader = await WishAsync(host, """{"text": "remind me if Mom has not answered by Friday"}""", OmniHost.AgentKey);
        Assert.Equal("forbidden", reader.GetProperty("plan")[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Wish_NoAgentConfigured_503()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var (status, body) = await PostAsync(host, "/api/wish", """{"text": "who hasn't replied this week?"}""", OmniHost.QueryKey);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unavailable", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(host, "/api/wish", """{"txt": "x"}""", OmniHost.QueryKey)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(host, "/api/wish", """{"text": "x"}""", "wrong")).Status);
    }

    /// <summary>WhatsApp: Mom awaited since T0+10, Bob owes nothing (he wrote last), Old awaited for 10 days. Discord: a DM we wrote at T0+30.</summary>
    private static async Task SeedAsync(OmniHost host)
    {
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0WSH0000001", "are you coming?", Mom, T0, fromMe: false));
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0WSH0000002", "yes, at 8", Mom, T0 + 10, fromMe: true));
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0WSH0000003", "the plan", Bob, T0, fromMe: true));
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0WSH0000004", "thanks", Bob, T0 + 20, fromMe: false));
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0WSH0000005", "long ago", Old, DateTimeOffset.UtcNow.AddDays(-10).ToUnixTimeSeconds(), fromMe: true));
        await host.DrainIngestAsync();
        var discord = new OmniEvent
        {
            EventId = EventKey.ComputeEventId("discord", "dc", "900000000000000501", EventKinds.Message),
            Channel = Channels.Discord, Provider = "discord", Instance = "dc", EventKind = EventKinds.Message, ContentType = "text",
            ProviderEventId = "900000000000000501", ConversationId = DiscordDm, SenderHandle = "800000000000000001", FromMe = true,
            Text = "did you see the doc?", OccurredAt = DateTimeOffset.FromUnixTimeSeconds(T0 + 30), ReceivedAt = DateTimeOffset.UtcNow,
            RawBlob = "discord/dc/none.json",
        };
        var stamped = await host.Services.GetRequiredService<IdentityResolver>().StampAsync(discord, CancellationToken.None);
        Assert.True(await host.Services.GetRequiredService<EventStore>().TryAddAsync(stamped, CancellationToken.None));
    }

    /// <summary>Messages on workflow-runs that start one named workflow (start_workflow), as opposed to the normalizer's.</summary>
    private static async Task<int> ExplicitStartsQueuedAsync(OmniHost host)
    {
        var peeked = await host.Storage.Queues.GetQueueClient(host.Storage.Names.WorkflowRunsQueue).PeekMessagesAsync(32);
        return peeked.Value.Count(m => m.Body.ToString().Contains("workflow_id", StringComparison.Ordinal));
    }

    private static string EvolutionId(string messageId) => EventKey.ComputeEventId("evolution", OmniHost.Instance, messageId, EventKinds.Message);

    /// <summary>The model's answers, one per request, in order (a WireMock scenario).</summary>
    private void Script(params string[] bodies)
    {
        for (var i = 0; i < bodies.Length; i++)
        {
            var step = _model.Given(Request.Create().WithPath(Completions).UsingPost()).InScenario("wish");
            step = i == 0 ? step.WhenStateIs(null!) : step.WhenStateIs($"round{i}");
            step.WillSetStateTo($"round{i + 1}").RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(bodies[i]));
        }
    }

    private List<JsonElement> Requests() =>
        [.. _model.LogEntries.OrderBy(e => e.RequestMessage!.DateTime).Select(e => JsonDocument.Parse(e.RequestMessage!.Body!).RootElement.Clone())];

    private static string ToolCall(string id, string tool, string arguments) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-" + id,
        @object = "chat.completion",
        created = 1764000000,
        model = "gpt-test",
        choices = new[]
        {
            new
            {
                index = 0,
                message = new { role = "assistant", content = (string?)null, tool_calls = new[] { new { id, type = "function", function = new { name = tool, arguments } } } },
                finish_reason = "tool_calls",
            },
        },
        usage = new { prompt_tokens = 100, completion_tokens = 20, total_tokens = 120 },
    });

    private static string Answer(string content) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-final",
        @object = "chat.completion",
        created = 1764000000,
        model = "gpt-test",
        choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 100, completion_tokens = 20, total_tokens = 120 },
    });

    private static async Task<JsonElement> WishAsync(OmniHost host, string body, string key = McpServerTests.ActKey)
    {
        var (status, json) = await PostAsync(host, "/api/wish", body, key);
        Assert.True(status == HttpStatusCode.OK, json.GetRawText());
        return json;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(OmniHost host, string path, string body, string key = McpServerTests.ActKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-functions-key", key);
        using var client = new HttpClient { BaseAddress = host.Client.BaseAddress };
        using var response = await client.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
