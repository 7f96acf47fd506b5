using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Omni.Local.Queue;
using Omni.Local.Tests.Support;
using Omni.Services.Workflows;

namespace Omni.Local.Tests;

/// <summary>
/// Failures between the normalizer and the runner lose no run: a host that stored an event but died before enqueueing
/// its runs starts them on the ingest message's redelivery; a run message that keeps failing ends in the poison queue.
/// Real failures: the queue or table is deleted under the running host.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class WorkflowDurabilityTests(AzuriteFixture azurite)
{
    private static readonly byte[] OwnMessage =
        EvolutionPayloads.TextFrom("3EB0OWNDUR0001", "see you tomorrow", "5511999990001@s.whatsapp.net", 1764000000, fromMe: true);

    private static async Task<IReadOnlyList<string?>> RunWorkflowsAsync(OmniHost host, string eventId) =>
        [.. (await host.GetJsonAsync($"/api/events/{eventId}/actions")).GetProperty("runs").EnumerateArray()
            .Select(r => r.GetProperty("workflow_id").GetString()).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task EventStoredThenEnqueueingItsRunsFailed_RedeliveryStartsThemOnce()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var inbox = host.Services.GetRequiredService<WorkflowRunInbox>();
        var runs = host.Services.GetRequiredService<WorkflowRunConsumer>();
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0WARMUP0001", "warm up", "5511999990002@s.whatsapp.net", 1764000000, fromMe: false));
        Assert.Equal(1, await host.Consumer.DrainOnceAsync(CancellationToken.None)); // the inbox has created its queue
        await inbox.Queue.DeleteAsync();

        // First delivery: the event is stored, then enqueueing its runs fails (as if the host died there).
        await host.IngestAsync(OwnMessage);
        Assert.Equal(1, await host.Consumer.DrainOnceAsync(CancellationToken.None));
        var eventId = Assert.Single(await host.ListEventsAsync(), e => e.GetProperty("provider_message_id").GetString() == "3EB0OWNDUR0001")
            .GetProperty("event_id").GetString()!;
        Assert.Single((await host.Storage.IngestQueue.PeekMessagesAsync(1)).Value); // kept for redelivery

        // Second delivery: the event is a duplicate now, but this is a redelivery, so its runs are enqueued.
        await inbox.Queue.CreateAsync();
        Assert.Equal(1, await host.Consumer.DrainOnceAsync(CancellationToken.None));
        Assert.Empty((await host.Storage.IngestQueue.PeekMessagesAsync(1)).Value);
        Assert.Equal(1, await runs.DrainOnceAsync(CancellationToken.None));
        Assert.Equal(["ignore-self", "remind-if-no-reply"], await RunWorkflowsAsync(host, eventId));

        // The same payload posted again is an ordinary duplicate (first delivery of a new message): nothing is enqueued.
        await host.IngestAsync(OwnMessage);
        Assert.Equal(1, await host.Consumer.DrainOnceAsync(CancellationToken.None));
        Assert.Empty((await inbox.Queue.PeekMessagesAsync(1)).Value);
        Assert.Equal(["ignore-self", "remind-if-no-reply"], await RunWorkflowsAsync(host, eventId));
    }

    [Fact]
    public async Task RunsCannotStartFiveTimes_MessageMovesToThePoisonQueue()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var inbox = host.Services.GetRequiredService<WorkflowRunInbox>();
        var runs = host.Services.GetRequiredService<WorkflowRunConsumer>();
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0WARMUP0002", "warm up", "5511999990002@s.whatsapp.net", 1764000000, fromMe: true));
        await host.Consumer.DrainOnceAsync(CancellationToken.None);
        Assert.Equal(1, await runs.DrainOnceAsync(CancellationToken.None)); // the run table exists, and the runner knows it does

        // A real storage failure: the run table is gone, so starting any run fails.
        await host.Storage.Tables.GetTableClient(host.Storage.Names.WorkflowRunsTable).DeleteAsync();
        await host.IngestAsync(OwnMessage);
        await host.Consumer.DrainOnceAsync(CancellationToken.None);
        for (var delivery = 1; delivery <= WorkflowRunConsumer.MaxDequeueCount; delivery++)
        {
            Assert.Equal(1, await runs.DrainOnceAsync(CancellationToken.None));
            var left = (await inbox.Queue.PeekMessagesAsync(1)).Value;
            Assert.Equal(delivery < WorkflowRunConsumer.MaxDequeueCount ? 1 : 0, left.Length); // retried, then moved
        }

        var poisoned = Assert.Single((await inbox.PoisonQueue.PeekMessagesAsync(10)).Value);
        var message = WorkflowRunInbox.Parse(poisoned.MessageText)!;
        var evt = Assert.Single(await host.ListEventsAsync(), e => e.GetProperty("provider_message_id").GetString() == "3EB0OWNDUR0001");
        Assert.Equal(evt.GetProperty("event_id").GetString(), message.EventId);
    }

    [Fact]
    public async Task ReplyStoredBeforeTheReminderWaited_ReminderCancelledAnyway()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1764000100));
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, configure: b => b.Services.AddSingleton<TimeProvider>(clock));
        var runs = host.Services.GetRequiredService<WorkflowRunConsumer>();

        // Both messages are stored before any run starts (a backlog on the run queue): the reply cannot find the wait.
        await host.IngestAsync(OwnMessage);
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0ANSWER0001", "até!", "5511999990001@s.whatsapp.net", 1764000060, fromMe: false));
        while (await host.Consumer.DrainOnceAsync(CancellationToken.None) > 0)
        {
        }

        while (await runs.DrainOnceAsync(CancellationToken.None) > 0)
        {
        }

        var own = Assert.Single(await host.ListEventsAsync(), e => e.GetProperty("provider_message_id").GetString() == "3EB0OWNDUR0001");
        var remind = (await host.GetJsonAsync($"/api/events/{own.GetProperty("event_id").GetString()}/actions")).GetProperty("runs").EnumerateArray()
            .Single(r => r.GetProperty("workflow_id").GetString() == "remind-if-no-reply");
        Assert.Equal("completed", remind.GetProperty("status").GetString());
        Assert.Equal("skipped", remind.GetProperty("steps").EnumerateArray().Single().GetProperty("status").GetString()); // unless: replied
        Assert.Empty(remind.GetProperty("audit").EnumerateArray()); // the reminder webhook was never called

        clock.Advance(TimeSpan.FromHours(25));
        Assert.Equal(0, await host.Services.GetRequiredService<WorkflowRunner>().FireDueTimersAsync(CancellationToken.None));
    }

    [Fact]
    public async Task HostStoppedMidRun_AnotherHostCompletesIt_NoStepRunTwice()
    {
        using var server = WireMock.Server.WireMockServer.Start();
        var settings = AgentFailingOnce(server,
            WireMock.ResponseBuilders.Response.Create().WithStatusCode(503).WithBodyAsJson(new { error = new { message = "overloaded", type = "server_error" } }));
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1764000030));
        var prefix = OmniHost.NewPrefix();
        string eventId;

        // Host 1: the guard step completes, the agent answers 503, the run saves its progress and waits to retry; then the host stops.
        await using (var first = await OmniHost.StartAsync(azurite, prefix, consumer: false, settings, b => b.Services.AddSingleton<TimeProvider>(clock)))
        {
            await first.IngestAsync(EvolutionPayloads.Text("3EB0MIDRUN00001", "pode me ajudar?"));
            await first.Consumer.DrainOnceAsync(CancellationToken.None);
            await first.Services.GetRequiredService<WorkflowRunConsumer>().DrainOnceAsync(CancellationToken.None);
            eventId = Assert.Single(await first.ListEventsAsync()).GetProperty("event_id").GetString()!;
            var waiting = (await first.GetJsonAsync($"/api/events/{eventId}/actions")).GetProperty("runs").EnumerateArray()
                .Single(r => r.GetProperty("workflow_id").GetString() == "reply-to-direct-text");
            Assert.Equal("waiting", waiting.GetProperty("status").GetString());
        }

        // Host 2, same storage: the retry timer fires, the run completes; the guard is not asked again and one reply is sent.
        await using var second = await OmniHost.StartAsync(azurite, prefix, consumer: false, settings, b => b.Services.AddSingleton<TimeProvider>(clock));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await second.Services.GetRequiredService<WorkflowRunner>().FireDueTimersAsync(CancellationToken.None));
        var run = (await second.GetJsonAsync($"/api/events/{eventId}/actions")).GetProperty("runs").EnumerateArray()
            .Single(r => r.GetProperty("workflow_id").GetString() == "reply-to-direct-text");
        Assert.Equal(("completed", "completed"), (run.GetProperty("status").GetString(), run.GetProperty("outcome").GetString()));
        Assert.Equal(["limit-sender", "ask-agent", "ask-agent", "reply"],
            run.GetProperty("audit").EnumerateArray().Select(a => a.GetProperty("step_id").GetString()));
        Assert.Single(server.LogEntries, e => e.RequestMessage!.Path == "/message/sendText/evo-demo");
        Assert.Equal(2, server.LogEntries.Count(e => e.RequestMessage!.Path == "/v1/chat/completions"));
    }

    /// <summary>
    /// WireMock as Evolution (sendText answers) and as the default agent, which fails once with <paramref name="firstAnswer"/>
    /// and then answers "Claro!"; returns the settings that point the demo instance and the agent at it.
    /// </summary>
    private static Dictionary<string, string?> AgentFailingOnce(WireMock.Server.WireMockServer server, WireMock.ResponseBuilders.IResponseBuilder firstAnswer)
    {
        server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/message/sendText/evo-demo").UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(201).WithBodyAsJson(new { key = new { id = "3EB0SENT000001" }, status = "PENDING" }));
        server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/v1/chat/completions").UsingPost()).InScenario("agent").WillSetStateTo("up")
            .RespondWith(firstAnswer);
        server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/v1/chat/completions").UsingPost()).InScenario("agent").WhenStateIs("up")
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithBodyAsJson(new
            {
                id = "chatcmpl-1", @object = "chat.completion", created = 1764000000, model = "gpt-4o-mini",
                choices = new[] { new { index = 0, message = new { role = "assistant", content = "Claro!" }, finish_reason = "stop" } },
            }));
        return new Dictionary<string, string?>
        {
            [$"Omni:Instances:{OmniHost.Instance}:ServerUrl"] = server.Urls[0],
            [$"Omni:Instances:{OmniHost.Instance}:ApiKey"] = "evo-api-key",
            [$"Omni:Instances:{OmniHost.Instance}:EvolutionInstance"] = "evo-demo",
            ["Omni:Agents:default:Endpoint"] = server.Urls[0] + "/v1",
            ["Omni:Agents:default:ApiKey"] = "sk-agent",
            ["Omni:Agents:default:Model"] = "gpt-4o-mini",
        };
    }

    [Fact]
    public async Task AgentAnswers429WithRetryAfter_OfflineRetryTimerWaitsWhatTheProviderAsked_NotTheStepsBackoff()
    {
        using var server = WireMock.Server.WireMockServer.Start();
        var settings = AgentFailingOnce(server, WireMock.ResponseBuilders.Response.Create().WithStatusCode(429).WithHeader("retry-after", "120")
            .WithBodyAsJson(new { error = new { message = "Rate limit reached for requests", type = "requests", code = "rate_limit_exceeded" } }));
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1764000030));
        await using var host = await OmniHost.StartAsync(azurite, OmniHost.NewPrefix(), consumer: false, settings, b => b.Services.AddSingleton<TimeProvider>(clock));
        await host.IngestAsync(EvolutionPayloads.Text("3EB0RATELIM0001", "pode me ajudar?"));
        await host.Consumer.DrainOnceAsync(CancellationToken.None);
        await host.Services.GetRequiredService<WorkflowRunConsumer>().DrainOnceAsync(CancellationToken.None);
        var runner = host.Services.GetRequiredService<WorkflowRunner>();
        Assert.Single(server.LogEntries, e => e.RequestMessage!.Path == "/v1/chat/completions");

        clock.Advance(TimeSpan.FromSeconds(60)); // the seed step's backoff (2 s) is long past, Retry-After (120 s) is not
        Assert.Equal(0, await runner.FireDueTimersAsync(CancellationToken.None));
        Assert.Single(server.LogEntries, e => e.RequestMessage!.Path == "/v1/chat/completions");

        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(1, await runner.FireDueTimersAsync(CancellationToken.None));
        Assert.Equal(2, server.LogEntries.Count(e => e.RequestMessage!.Path == "/v1/chat/completions"));
        Assert.Single(server.LogEntries, e => e.RequestMessage!.Path == "/message/sendText/evo-demo");
    }

    [Fact]
    public async Task EventsNoWorkflowConcerns_CostNoRunMessage_RepliesAndTriggersDo()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var inbox = host.Services.GetRequiredService<WorkflowRunInbox>();
        await inbox.Queue.CreateIfNotExistsAsync();

        // A connection update: no seed playbook triggers on it, and it is nobody's reply.
        await host.IngestAsync(Fixtures.Read("evolution", "connection-update-connecting-v1.json"));
        Assert.Equal(1, await host.Consumer.DrainOnceAsync(CancellationToken.None));
        Assert.Single(await host.ListEventsAsync());
        Assert.Empty((await inbox.Queue.PeekMessagesAsync(10)).Value);

        // A contact's text (a trigger and a possible reply) and an own text (a trigger): one message each.
        await host.IngestAsync(EvolutionPayloads.Text("3EB0CONCERN001", "oi"));
        await host.IngestAsync(OwnMessage);
        while (await host.Consumer.DrainOnceAsync(CancellationToken.None) > 0)
        {
        }

        Assert.Equal(2, (await inbox.Queue.PeekMessagesAsync(10)).Value.Length);
    }
}
