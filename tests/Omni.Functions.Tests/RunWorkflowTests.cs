using Omni.Engine.Workflows.Running;
using Omni.Functions.Tests.Support;
using Omni.Services.Workflows;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Omni.Functions.Tests;

/// <summary>
/// <c>RunWorkflow</c> and its activities in the real Durable engine: runs start through the queue trigger, the
/// activities call WireMock providers, retries wait on durable timers, and the audit record is the one the API serves.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class RunWorkflowTests(AzuriteFixture azurite)
{
    /// <summary>The seed reply playbook with a retry policy short enough for a test (1 s between attempts).</summary>
    private const string ShortRetryReply = """
        id: reply-short-retry
        version: 1
        scope: demo
        trigger:
          event_kinds: [message]
          content_types: [text]
          when: "!from_me && !is_group"
        steps:
          - id: ask-agent
            action: route.agent.default
            retry: { max_attempts: 3, first_delay: 1s, backoff: 1.0, max_delay: 1s }
          - id: reply
            action: route.reply
            with: { text: "{{ steps.ask-agent.output.text }}" }
        """;

    /// <summary>Replies to the newest text of a burst only: <c>guard.debounce</c> defers each run on a durable timer, then asks again.</summary>
    private const string DebouncedReply = """
        id: debounced-reply
        version: 1
        scope: demo
        trigger:
          event_kinds: [message]
          content_types: [text]
          when: "!from_me && !is_group"
        steps:
          - id: settle
            action: guard.debounce
            with: { window: 3s }
          - id: reply
            action: route.reply
            with: { text: "Got: {{ text }}" }
            retry: { max_attempts: 2, first_delay: 1s, backoff: 1.0, max_delay: 1s }
        """;

    [Fact]
    public async Task RunWorkflow_DirectText_OneAgentReplySentAndEveryStepAudited()
    {
        await using var host = await DurableWorkflowHost.StartAsync(azurite); // the seed playbooks
        host.Server.AnswerSendText();
        host.Server.AnswerChat("Tudo ótimo, e você?");
        var evt = Providers.Text("Oi, tudo bem?");

        var run = Assert.Single(await host.IngestAsync(evt));
        var done = await host.CompletionAsync(run.RunId);

        Assert.Equal(("reply-to-direct-text", RunOutcomes.Completed), (run.WorkflowId, done.Outcome));
        var sent = Assert.Single(host.Server.Requests(Providers.SendTextPath));
        Assert.Equal("Tudo ótimo, e você?", sent.Json().GetProperty("text").GetString());
        Assert.Equal(Providers.ContactJid, sent.Json().GetProperty("number").GetString());
        Assert.Single(host.Server.Requests(Providers.ChatPath));

        var audited = await host.RunAsync(run.RunId);
        Assert.Equal((RunStatuses.Completed, RunOutcomes.Completed, evt.EventId), (audited.Status, audited.Outcome, audited.EventId));
        Assert.Equal(
            [("limit-sender", "guard.rate_limit", "completed", 1), ("ask-agent", "route.agent.default", "completed", 1), ("reply", "route.reply", "completed", 1)],
            audited.Audit.Select(a => (a.StepId, a.ActionId, a.Status, a.Attempts)));
        Assert.Equal("evolution", audited.Audit[2].Provider);
        Assert.Equal(["limit-sender", "ask-agent", "reply"], audited.Steps.Select(s => s.StepId));
        Assert.All(audited.Steps, s => Assert.Equal(StepStatuses.Completed, s.Status));
        Assert.Equal(done.Summary, audited.Summary);
        Assert.NotNull(audited.CompletedAt);

        // The workflow-runs message delivered again (the runtime redelivers after a lost ack): same run, nothing resent.
        await host.DeliverAsync(evt);
        Assert.Equal(run.RunId, Assert.Single(await host.Runs.ListForEventAsync(evt.Instance, evt.EventId, CancellationToken.None)).RunId);
        Assert.Single(host.Server.Requests(Providers.SendTextPath));
        Assert.Single(host.Server.Requests(Providers.ChatPath));
    }

    [Fact]
    public async Task RunWorkflow_TenMegabyteText_InputsCarryTheBoundedEventAndTheAgentGetsTheWholeText()
    {
        await using var host = await DurableWorkflowHost.StartAsync(azurite); // the seed playbooks
        host.Server.AnswerSendText();
        host.Server.AnswerChat("Recebi um texto longo.");
        var text = string.Concat(Enumerable.Repeat("0123456789", 1_000_000)); // 10,000,000 characters
        var evt = Providers.Text(text) with
        {
            ProviderMetadata = System.Text.Json.JsonSerializer.SerializeToElement(new { message = new { conversation = text }, messageType = "conversation" }),
        };

        var run = Assert.Single(await host.IngestAsync(evt)); // stored whole in the oversize blob, its rows bounded
        var done = await host.CompletionAsync(run.RunId);

        Assert.Equal(("reply-to-direct-text", RunOutcomes.Completed), (run.WorkflowId, done.Outcome));
        // The orchestration's input (and every activity input, which repeats its event) is small: the event's bounded view.
        var instance = await host.Client.GetInstanceAsync(run.RunId, getInputsAndOutputs: true);
        Assert.NotNull(instance);
        Assert.True(instance.SerializedInput!.Length < 20_000, $"the orchestrator input is {instance.SerializedInput.Length:N0} characters");
        var input = instance.ReadInputAs<WorkflowRunInput>()!;
        Assert.Equal((text[..4096], true, text.Length), (input.Event.Text, input.Event.TextTruncated, input.Event.TextLength));

        // The agent (an action) was asked with the whole text, read from the event store; the reply went out; the run is audited.
        var asked = Assert.Single(host.Server.Requests(Providers.ChatPath)).Json().GetProperty("messages").EnumerateArray().Last();
        Assert.Equal(text, asked.GetProperty("content").GetString());
        Assert.Equal("Recebi um texto longo.", Assert.Single(host.Server.Requests(Providers.SendTextPath)).Json().GetProperty("text").GetString());
        var audited = await host.RunAsync(run.RunId);
        Assert.Equal([("limit-sender", "completed"), ("ask-agent", "completed"), ("reply", "completed")], audited.Audit.Select(a => (a.StepId, a.Status)));
        Assert.Equal(RunStatuses.Completed, audited.Status);
    }

    /// <summary>Evolution's sendText answers; the agent fails once with <paramref name="failure"/>, then answers "Tudo ótimo, e você?".</summary>
    private static void AgentFailsOnceThenAnswers(DurableWorkflowHost host, IResponseBuilder failure)
    {
        host.Server.AnswerSendText();
        host.Server.Given(Request.Create().WithPath(Providers.ChatPath).UsingPost()).InScenario("agent").WillSetStateTo("up").RespondWith(failure);
        host.Server.Given(Request.Create().WithPath(Providers.ChatPath).UsingPost()).InScenario("agent").WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(Providers.ChatCompletion("Tudo ótimo, e você?")));
    }

    [Fact]
    public async Task RunWorkflow_AgentAnswers503ThenOk_RetriedAfterTheStepsBackoffAndReplies()
    {
        await using var host = await DurableWorkflowHost.StartAsync(azurite, [ShortRetryReply]);
        AgentFailsOnceThenAnswers(host, Providers.Error(503, "The server is overloaded or not ready yet.", "server_error"));

        var run = Assert.Single(await host.IngestAsync(Providers.Text("Oi, tudo bem?")));
        var done = await host.CompletionAsync(run.RunId);

        Assert.Equal(RunOutcomes.Completed, done.Outcome);
        var calls = host.Server.Requests(Providers.ChatPath);
        Assert.Equal(2, calls.Count);
        Assert.True(calls[1].RequestMessage!.DateTime - calls[0].RequestMessage!.DateTime >= TimeSpan.FromMilliseconds(900),
            "the retry waited the step's first_delay (1 s) on a durable timer");
        Assert.Equal("Tudo ótimo, e você?", Assert.Single(host.Server.Requests(Providers.SendTextPath)).Json().GetProperty("text").GetString());

        var audited = await host.RunAsync(run.RunId);
        Assert.Equal(
            [("ask-agent", "failed", 1), ("ask-agent", "completed", 2), ("reply", "completed", 1)],
            audited.Audit.Select(a => (a.StepId, a.Status, a.Attempts)));
        Assert.Contains("HTTP 503", audited.Audit[0].Error, StringComparison.Ordinal);
        Assert.Equal((StepStatuses.Completed, 2), (audited.Steps[0].Status, audited.Steps[0].Attempts));
        Assert.Contains("ask-agent completed after 2 attempts", done.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunWorkflow_AgentAnswers429WithRetryAfter_RetryWaitsWhatTheProviderAskedNotTheShorterBackoff()
    {
        await using var host = await DurableWorkflowHost.StartAsync(azurite, [ShortRetryReply]);
        AgentFailsOnceThenAnswers(host, Providers.Error(429, "Rate limit reached for requests", "requests", "rate_limit_exceeded").WithHeader("retry-after", "3"));

        var run = Assert.Single(await host.IngestAsync(Providers.Text("Oi, tudo bem?")));
        var done = await host.CompletionAsync(run.RunId);

        Assert.Equal(RunOutcomes.Completed, done.Outcome);
        var calls = host.Server.Requests(Providers.ChatPath);
        Assert.Equal(2, calls.Count);
        var waited = calls[1].RequestMessage!.DateTime - calls[0].RequestMessage!.DateTime;
        Assert.True(waited >= TimeSpan.FromMilliseconds(2900), $"the retry came {waited.TotalMilliseconds:F0} ms after the 429: Retry-After said 3 s (the step's first_delay is 1 s)");
        var audited = await host.RunAsync(run.RunId);
        Assert.Equal([("ask-agent", "failed", 1), ("ask-agent", "completed", 2), ("reply", "completed", 1)], audited.Audit.Select(a => (a.StepId, a.Status, a.Attempts)));
        Assert.Contains("HTTP 429", audited.Audit[0].Error, StringComparison.Ordinal);
        Assert.DoesNotContain("[retry after", audited.Audit[0].Error, StringComparison.Ordinal); // the carrier stays between activity and orchestrator
    }

    [Fact]
    public async Task RunWorkflow_AgentAlways503_RetriedUpToMaxAttemptsThenRunFails()
    {
        await using var host = await DurableWorkflowHost.StartAsync(azurite, [ShortRetryReply]);
        host.Server.AnswerSendText();
        host.Server.Given(Request.Create().WithPath(Providers.ChatPath).UsingPost())
            .RespondWith(Providers.Error(503, "The server is overloaded or not ready yet.", "server_error"));

        var run = Assert.Single(await host.IngestAsync(Providers.Text("Oi, tudo bem?")));
        var done = await host.CompletionAsync(run.RunId);

        Assert.Equal(RunOutcomes.Failed, done.Outcome);
        Assert.Equal(3, host.Server.Requests(Providers.ChatPath).Count); // max_attempts: 3
        Assert.Empty(host.Server.Requests(Providers.SendTextPath));
        var audited = await host.RunAsync(run.RunId);
        Assert.Equal([("ask-agent", "failed", 1), ("ask-agent", "failed", 2), ("ask-agent", "failed", 3)], audited.Audit.Select(a => (a.StepId, a.Status, a.Attempts)));
        Assert.Equal(RunOutcomes.Failed, audited.Outcome);
        Assert.Equal((StepStatuses.Failed, 3), (audited.Steps[0].Status, audited.Steps[0].Attempts));
    }

    [Fact]
    public async Task RunWorkflow_AgentRejectsTheKey401_NotRetriedAndRunFailsWithTheReason()
    {
        await using var host = await DurableWorkflowHost.StartAsync(azurite, [ShortRetryReply]);
        host.Server.AnswerSendText();
        host.Server.Given(Request.Create().WithPath(Providers.ChatPath).UsingPost()).RespondWith(
            Providers.Error(401, "Incorrect API key provided: sk-agent****test. You can find your API key at https://platform.openai.com/account/api-keys.",
                "invalid_request_error", "invalid_api_key"));

        var run = Assert.Single(await host.IngestAsync(Providers.Text("Oi, tudo bem?")));
        var done = await host.CompletionAsync(run.RunId);

        Assert.Single(host.Server.Requests(Providers.ChatPath)); // a permanent failure is not retried
        Assert.Empty(host.Server.Requests(Providers.SendTextPath));
        Assert.Equal(RunOutcomes.Failed, done.Outcome);
        Assert.Contains("ask-agent", done.Reason, StringComparison.Ordinal);
        Assert.Contains("HTTP 401", done.Reason, StringComparison.Ordinal);
        var audited = await host.RunAsync(run.RunId);
        Assert.Equal((RunStatuses.Completed, RunOutcomes.Failed), (audited.Status, audited.Outcome));
        var line = Assert.Single(audited.Audit);
        Assert.Equal(("ask-agent", "failed", 1), (line.StepId, line.Status, line.Attempts));
        Assert.Contains("invalid_api_key", line.Error, StringComparison.Ordinal);
        var step = Assert.Single(audited.Steps, s => s.StepId == "ask-agent");
        Assert.Equal((StepStatuses.Failed, 1), (step.Status, step.Attempts));
    }

    [Fact]
    public async Task RunWorkflow_ForwardedVoiceGroqDown_FallsBackToOpenAiAndRepliesWithTheTranscript()
    {
        const string transcript = "Oi, é a Ana. Chego às cinco, pode deixar o portão aberto?";
        await using var host = await DurableWorkflowHost.StartAsync(azurite); // the seed transcribe-forwarded-voice playbook
        host.Server.AnswerSendText();
        host.Server.ServeVoiceNote();
        host.Server.Given(Request.Create().WithPath(Providers.GroqPath).UsingPost())
            .RespondWith(Providers.Error(500, "Internal Server Error", "internal_server_error"));
        host.Server.AnswerTranscription(Providers.OpenAiTranscriptionsPath, transcript);
        var voice = Providers.Text("") with
        {
            ContentType = "audio",
            Text = null,
            IsForwarded = true,
            MediaMimeType = "audio/ogg; codecs=opus",
            MediaUrl = host.Url + Providers.VoicePath,
        };

        var run = Assert.Single(await host.IngestAsync(voice));
        var done = await host.CompletionAsync(run.RunId);

        Assert.Equal(("transcribe-forwarded-voice", RunOutcomes.Completed), (run.WorkflowId, done.Outcome));
        Assert.Equal(2, host.Server.Requests(Providers.GroqPath).Count); // the seed's retry: max_attempts 2, 5 s apart
        Assert.Single(host.Server.Requests(Providers.OpenAiTranscriptionsPath));
        var sent = Assert.Single(host.Server.Requests(Providers.SendTextPath)).Json();
        Assert.Equal("Transcript: " + transcript, sent.GetProperty("text").GetString());
        Assert.Equal(voice.ProviderMessageId, sent.GetProperty("quoted").GetProperty("key").GetProperty("id").GetString());

        var audited = await host.RunAsync(run.RunId);
        Assert.Equal(
            [("transcribe", "groq", "failed", 1), ("transcribe", "groq", "failed", 2), ("transcribe", "openai", "completed", 1), ("reply", "evolution", "completed", 1)],
            audited.Audit.Select(a => (a.StepId, a.Provider, a.Status, a.Attempts)));
        var tried = audited.Audit[2].Tried!;
        Assert.Equal([("groq", 2, false), ("openai", 1, true)], tried.Select(t => (t.Provider, t.Attempts, t.Succeeded)));
        Assert.Contains("groq transcription: HTTP 500", tried[0].Error, StringComparison.Ordinal);
        var step = audited.Steps.Single(s => s.StepId == "transcribe");
        Assert.Equal((StepStatuses.Completed, "openai"), (step.Status, step.Provider));
        Assert.Equal(["groq", "openai"], step.ProvidersTried);
    }

    [Fact]
    public async Task RunWorkflow_DebouncedBurst_EachRunWaitsOnATimerAndOnlyTheNewestTextIsAnswered()
    {
        await using var host = await DurableWorkflowHost.StartAsync(azurite, [DebouncedReply]);
        host.Server.AnswerSendText();
        var now = DateTimeOffset.UtcNow;
        var first = Providers.Text("oi", at: now);
        var second = Providers.Text("tudo bem?", at: now.AddMilliseconds(300));

        var firstRun = Assert.Single(await host.IngestAsync(first));
        var secondRun = Assert.Single(await host.IngestAsync(second));
        var deferred = await host.RunWhenAsync(firstRun.RunId, r => r.Status == RunStatuses.Waiting);
        Assert.Null(deferred.WaitingFor); // a timer (RunWaitingActivity for a StartTimer), not an event
        Assert.Equal(first.OccurredAt!.Value.AddSeconds(3), deferred.WaitingUntil!.Value, TimeSpan.FromMilliseconds(1));

        var coalesced = await host.CompletionAsync(firstRun.RunId);
        var answered = await host.CompletionAsync(secondRun.RunId);

        Assert.Equal(RunOutcomes.Skipped, coalesced.Outcome);
        Assert.Contains("coalesced into " + second.EventId, coalesced.Reason, StringComparison.Ordinal);
        Assert.Equal(RunOutcomes.Completed, answered.Outcome);
        Assert.Equal("Got: tudo bem?", Assert.Single(host.Server.Requests(Providers.SendTextPath)).Json().GetProperty("text").GetString());
        Assert.Equal([("settle", "completed"), ("settle", "completed")], (await host.RunAsync(firstRun.RunId)).Audit.Select(a => (a.StepId, a.Status)));
        Assert.Equal([("settle", "completed"), ("settle", "completed"), ("reply", "completed")],
            (await host.RunAsync(secondRun.RunId)).Audit.Select(a => (a.StepId, a.Status)));
    }

    [Fact]
    public async Task RunWorkflow_SendTextAnswers503Once_ReplyRetriedAndDeliveredOnce()
    {
        await using var host = await DurableWorkflowHost.StartAsync(azurite, [DebouncedReply]);
        host.Server.Given(Request.Create().WithPath(Providers.SendTextPath).UsingPost()).InScenario("evolution").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503).WithBodyAsJson(new { status = 503, error = "Service Unavailable", response = new { message = "Connection Closed" } }));
        host.Server.Given(Request.Create().WithPath(Providers.SendTextPath).UsingPost()).InScenario("evolution").WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(201).WithBodyAsJson(new { key = new { remoteJid = Providers.ContactJid, fromMe = true, id = "3EB0RETRY0000001" }, status = "PENDING" }));
        var evt = Providers.Text("oi", at: DateTimeOffset.UtcNow.AddSeconds(-3)); // its debounce window is over

        var run = Assert.Single(await host.IngestAsync(evt));
        var done = await host.CompletionAsync(run.RunId);

        Assert.Equal(RunOutcomes.Completed, done.Outcome);
        Assert.Equal(2, host.Server.Requests(Providers.SendTextPath).Count); // the 503 said nothing was sent; the retry sent it
        var audited = await host.RunAsync(run.RunId);
        Assert.Equal([("settle", "completed", 1), ("reply", "failed", 1), ("reply", "completed", 2)], audited.Audit.Select(a => (a.StepId, a.Status, a.Attempts)));
        Assert.EndsWith("as 3EB0RETRY0000001", audited.Audit[^1].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartWorkflowRuns_SharedMessage_EveryEventStarts_OneThatCannotIsRetriedInAMessageOfItsOwn()
    {
        await using var host = await DurableWorkflowHost.StartAsync(azurite); // the seed playbooks
        host.Server.AnswerSendText();
        host.Server.AnswerChat("Oi!");
        var events = new[] { "5511999990011", "5511999990012", "5511999990013" }
            .Select(n => Providers.Text("Oi, tudo bem?") with { ConversationId = $"{n}@s.whatsapp.net", SenderHandle = $"{n}@s.whatsapp.net" })
            .ToList();
        foreach (var evt in events)
        {
            Assert.True(await host.Events.TryAddAsync(evt, CancellationToken.None));
        }

        // The middle event's row is damaged: reading it fails on every delivery (a real, lasting failure).
        var row = (await host.Events.GetCanonicalRowAsync(events[1].EventId, CancellationToken.None))!;
        row["Event"] = "{ not json";
        await host.Storage.Events.UpdateEntityAsync(row, Azure.ETag.All, Azure.Data.Tables.TableUpdateMode.Replace);

        await host.DeliverSharedAsync(events); // returns: the trigger's message counts as handled

        foreach (var evt in new[] { events[0], events[2] })
        {
            var run = Assert.Single(await host.Runs.ListForEventAsync(evt.Instance, evt.EventId, CancellationToken.None));
            Assert.Equal(RunOutcomes.Completed, (await host.CompletionAsync(run.RunId)).Outcome);
        }

        Assert.Empty(await host.Runs.ListForEventAsync(events[1].Instance, events[1].EventId, CancellationToken.None));
        Assert.Equal(["5511999990011@s.whatsapp.net", "5511999990013@s.whatsapp.net"],
            host.Server.Requests(Providers.SendTextPath).Select(r => r.Json().GetProperty("number").GetString()).Order(StringComparer.Ordinal));
        var retried = Assert.Single((await host.Inbox.Queue.PeekMessagesAsync(10)).Value);
        Assert.Equal(new WorkflowRunMessage(DurableWorkflowHost.Instance, events[1].EventId), WorkflowRunInbox.Parse(retried.MessageText));
    }
}
