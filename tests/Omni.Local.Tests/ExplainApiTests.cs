using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Omni.Local.Tests.Support;
using Omni.Services.Workflows;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Omni.Local.Tests;

/// <summary>
/// <c>GET /api/events/{id}/explain</c> over the real pipeline (webhook → normalizer → runner, the seed playbooks) on
/// Azurite and loopback HTTP, with the Evolution send API and the agent on WireMock: each trace names the rule and the values.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class ExplainApiTests(AzuriteFixture azurite) : IDisposable
{
    private const string SendText = "/message/sendText/evo-demo";
    private const string Contact = "5511999990001@s.whatsapp.net";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeSeconds(1764000030));

    public void Dispose() => _server.Stop();

    private async Task<OmniHost> StartAsync()
    {
        _server.Given(Request.Create().WithPath(SendText).UsingPost()).RespondWith(Response.Create().WithStatusCode(201).WithBodyAsJson(new
        {
            key = new { remoteJid = Contact, fromMe = true, id = "3EB0REPLY0000001" },
            status = "PENDING",
            message = new { conversation = "ok" },
            messageType = "conversation",
            messageTimestamp = 1764000100,
        }));
        _server.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new
        {
            id = "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
            @object = "chat.completion",
            created = 1741570283,
            model = "gpt-4o-mini-2024-07-18",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = "Tudo ótimo, e você?" }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 26, completion_tokens = 12, total_tokens = 38 },
        }));
        var url = _server.Urls[0];
        return await OmniHost.StartAsync(azurite, consumer: false, settings: new Dictionary<string, string?>
        {
            [$"Omni:Instances:{OmniHost.Instance}:ServerUrl"] = url,
            [$"Omni:Instances:{OmniHost.Instance}:ApiKey"] = "evo-api-key",
            [$"Omni:Instances:{OmniHost.Instance}:EvolutionInstance"] = "evo-demo",
            ["Omni:Agents:default:Endpoint"] = url + "/v1",
            ["Omni:Agents:default:ApiKey"] = "sk-agent",
            ["Omni:Agents:default:Model"] = "gpt-4o-mini",
        }, configure: b => b.Services.AddSingleton<TimeProvider>(_clock));
    }

    private static async Task<string> EventIdAsync(OmniHost host, string providerMessageId) =>
        (await host.ListEventsAsync()).Single(e => e.GetProperty("provider_message_id").GetString() == providerMessageId).GetProperty("event_id").GetString()!;

    private static JsonElement Workflow(JsonElement explanation, string id) =>
        explanation.GetProperty("workflows").EnumerateArray().Single(w => w.GetProperty("workflow_id").GetString() == id);

    private static JsonElement Step(JsonElement workflow, string stepId) =>
        Assert.Single(workflow.GetProperty("runs").EnumerateArray()).GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("step_id").GetString() == stepId);

    private static string Sentences(JsonElement explanation) => string.Join('\n', explanation.GetProperty("sentences").EnumerateArray().Select(s => s.GetString()));

    [Fact]
    public async Task OwnMessage_StoppedByGuardSelfRoute_NamesTheRuleAndFromMe()
    {
        await using var host = await StartAsync();
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0EXPLAIN0001", "nota pra mim", Contact, 1764000000, fromMe: true));
        await host.DrainWorkflowsAsync();
        var explanation = await host.GetJsonAsync($"/api/events/{await EventIdAsync(host, "3EB0EXPLAIN0001")}/explain");

        var ignore = Workflow(explanation, "ignore-self");
        Assert.True(ignore.GetProperty("trigger").GetProperty("matched").GetBoolean());
        Assert.True(ignore.GetProperty("trigger").GetProperty("when_values").GetProperty("from_me").GetBoolean());
        var guard = Step(ignore, "ignore-own");
        Assert.Equal("guard.self_route", guard.GetProperty("action_id").GetString());
        Assert.Equal("stopped", guard.GetProperty("status").GetString());
        Assert.Equal("stop", guard.GetProperty("guard").GetProperty("verdict").GetString());
        Assert.Equal("own message", guard.GetProperty("guard").GetProperty("reason").GetString());
        Assert.Equal("mode: ignore", guard.GetProperty("guard").GetProperty("rule").GetString());
        Assert.True(guard.GetProperty("guard").GetProperty("state").GetProperty("from_me").GetBoolean());

        var reply = Workflow(explanation, "reply-to-direct-text").GetProperty("trigger");
        Assert.False(reply.GetProperty("matched").GetBoolean());
        Assert.False(reply.GetProperty("when_held").GetBoolean());
        Assert.True(reply.GetProperty("when_values").GetProperty("from_me").GetBoolean());
        Assert.Empty(Workflow(explanation, "reply-to-direct-text").GetProperty("runs").EnumerateArray());

        // The follow-up playbook waits on its 24 h timer: a pending timer, so Omni is not done with the event.
        var timer = Assert.Single(Assert.Single(Workflow(explanation, "remind-if-no-reply").GetProperty("runs").EnumerateArray())
            .GetProperty("pending_timers").EnumerateArray());
        Assert.Equal("remind", timer.GetProperty("step_id").GetString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1764000000 + 86400), timer.GetProperty("fire_at").GetDateTimeOffset());
        Assert.Equal("waiting", explanation.GetProperty("verdict").GetString());
        var text = Sentences(explanation);
        Assert.Contains("Step ignore-own (guard.self_route) said stop: own message; rule: mode: ignore; it read mode = ignore, from_me = true.", text, StringComparison.Ordinal);
        Assert.Contains("reply-to-direct-text v1 did not match", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimitedSender_GuardNamesTheLimitWindowAndCountItRead()
    {
        await using var host = await StartAsync();
        var seed = await File.ReadAllTextAsync(Path.Combine(WorkflowSeeds.Locate(null)!, "reply-to-direct-text.yaml"));
        var yaml = seed.Replace("version: 1", "version: 2", StringComparison.Ordinal).Replace("limit: 10", "limit: 1", StringComparison.Ordinal);
        using (var put = await host.Client.PutAsync("/api/workflows/reply-to-direct-text", new StringContent(yaml, Encoding.UTF8, "application/yaml")))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        await host.IngestAsync(EvolutionPayloads.Text("3EB0EXPLAIN0010", "primeira"));
        await host.DrainWorkflowsAsync();
        await host.IngestAsync(EvolutionPayloads.Text("3EB0EXPLAIN0011", "segunda", timestamp: 1764000010));
        await host.DrainWorkflowsAsync();
        var explanation = await host.GetJsonAsync($"/api/events/{await EventIdAsync(host, "3EB0EXPLAIN0011")}/explain");

        var workflow = Workflow(explanation, "reply-to-direct-text");
        Assert.Equal(2, workflow.GetProperty("version").GetInt32());
        var guard = Step(workflow, "limit-sender").GetProperty("guard");
        Assert.Equal("stop", guard.GetProperty("verdict").GetString());
        Assert.Equal("rate limit: 1 per 1h per sender reached", guard.GetProperty("reason").GetString());
        Assert.Equal("at most 1 per 1h per sender", guard.GetProperty("rule").GetString());
        var state = guard.GetProperty("state");
        Assert.Equal((1, 1, "1h", Contact), (state.GetProperty("count").GetInt32(), state.GetProperty("limit").GetInt32(),
            state.GetProperty("window").GetString(), state.GetProperty("key").GetString()));
        Assert.Equal("not_reached", Step(workflow, "reply").GetProperty("status").GetString());
        Assert.False(Step(workflow, "reply").GetProperty("executed").GetBoolean());
        Assert.Equal("did_not_act", explanation.GetProperty("verdict").GetString());
        Assert.Contains("said stop: rate limit: 1 per 1h per sender reached; rule: at most 1 per 1h per sender; it read limit = 1, window = 1h, per = sender, key = "
                        + Contact, Sentences(explanation), StringComparison.Ordinal);
        Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == SendText); // the first message's reply only
    }

    [Fact]
    public async Task GroupMessage_NoTriggerMatched_EachWhenShowsTheValuesItSaw()
    {
        await using var host = await StartAsync();
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0EXPLAIN0020", "oi grupo", "120363000000000301@g.us", 1764000000, fromMe: false,
            participant: "5511999990003@s.whatsapp.net"));
        await host.DrainWorkflowsAsync();
        var explanation = await host.GetJsonAsync($"/api/events/{await EventIdAsync(host, "3EB0EXPLAIN0020")}/explain");

        Assert.All(explanation.GetProperty("workflows").EnumerateArray(), w =>
        {
            Assert.False(w.GetProperty("trigger").GetProperty("matched").GetBoolean());
            Assert.Empty(w.GetProperty("runs").EnumerateArray());
        });
        var reply = Workflow(explanation, "reply-to-direct-text").GetProperty("trigger");
        Assert.Equal("!from_me && !is_group && text != null && text != ''", reply.GetProperty("when").GetString());
        Assert.True(reply.GetProperty("when_values").GetProperty("is_group").GetBoolean());
        Assert.False(reply.GetProperty("when_values").GetProperty("from_me").GetBoolean());
        var voice = Workflow(explanation, "transcribe-forwarded-voice").GetProperty("trigger");
        Assert.False(voice.GetProperty("content_type_matched").GetBoolean());
        Assert.Equal("did_not_act", explanation.GetProperty("verdict").GetString());
        var text = Sentences(explanation);
        Assert.Contains("reply-to-direct-text v1 did not match: event kind message is in [message]; content type text is in [text]; " +
                        "when `!from_me && !is_group && text != null && text != ''` was false with from_me = false, is_group = true.", text, StringComparison.Ordinal);
        Assert.Contains("no workflow's trigger matched it", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DirectText_ReplySent_TraceShowsEachStepRanAndTheGuardCount()
    {
        await using var host = await StartAsync();
        await host.IngestAsync(EvolutionPayloads.Text("3EB0EXPLAIN0030", "Oi, tudo bem?"));
        await host.DrainWorkflowsAsync();
        var explanation = await host.GetJsonAsync($"/api/events/{await EventIdAsync(host, "3EB0EXPLAIN0030")}/explain");

        var workflow = Workflow(explanation, "reply-to-direct-text");
        Assert.Equal("completed", Assert.Single(workflow.GetProperty("runs").EnumerateArray()).GetProperty("outcome").GetString());
        var guard = Step(workflow, "limit-sender").GetProperty("guard");
        Assert.Equal("continue", guard.GetProperty("verdict").GetString());
        Assert.Equal((1, 10), (guard.GetProperty("state").GetProperty("count").GetInt32(), guard.GetProperty("state").GetProperty("limit").GetInt32()));
        var reply = Step(workflow, "reply");
        Assert.Equal(("route.reply", "completed", true), (reply.GetProperty("action_id").GetString(), reply.GetProperty("status").GetString(),
            reply.GetProperty("executed").GetBoolean()));
        Assert.Equal("steps.ask-agent.output.text != null && steps.ask-agent.output.text != ''", reply.GetProperty("when").GetString());
        Assert.Equal("acted", explanation.GetProperty("verdict").GetString());
        var text = Sentences(explanation);
        Assert.Contains("Step reply (route.reply) ran: completed", text, StringComparison.Ordinal);
        Assert.Contains("Omni acted on this event.", text, StringComparison.Ordinal);
        Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == SendText);
    }

    [Fact]
    public async Task FollowUp_CancelledByAReply_NamesTheUnlessAndTheReply()
    {
        await using var host = await StartAsync();
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0EXPLAIN0040", "can you send the file?", Contact, 1764000000, fromMe: true));
        await host.DrainWorkflowsAsync();
        _clock.Advance(TimeSpan.FromHours(2));
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0EXPLAIN0041", "sent!", Contact, 1764007200, fromMe: false));
        await host.DrainWorkflowsAsync();
        var replyId = await EventIdAsync(host, "3EB0EXPLAIN0041");
        var explanation = await host.GetJsonAsync($"/api/events/{await EventIdAsync(host, "3EB0EXPLAIN0040")}/explain");

        var workflow = Workflow(explanation, "remind-if-no-reply");
        var run = Assert.Single(workflow.GetProperty("runs").EnumerateArray());
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Empty(run.GetProperty("pending_timers").EnumerateArray());
        var remind = Step(workflow, "remind");
        Assert.Equal(("skipped", "unless: the contact replied", false, replyId),
            (remind.GetProperty("status").GetString(), remind.GetProperty("detail").GetString(), remind.GetProperty("executed").GetBoolean(),
                remind.GetProperty("replied_by_event_id").GetString()));
        Assert.Contains($"Step remind (meta.notify.webhook) was skipped: unless: the contact replied; the reply was {replyId}.", Sentences(explanation),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownEvent_Answers404InTheErrorShape()
    {
        await using var host = await StartAsync();
        using var missing = await host.Client.GetAsync("/api/events/evt_demo_00000000000000000000000000000000/explain");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("\"error\"", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
