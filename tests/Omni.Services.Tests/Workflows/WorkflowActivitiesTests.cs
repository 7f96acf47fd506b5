using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Omni.Engine.Events;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Actions;
using Omni.Engine.Workflows.Running;
using Omni.Services.Actions;
using Omni.Services.Events;
using Omni.Services.Tests.Support;
using Omni.Services.Workflows;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Omni.Services.Tests.Workflows;

/// <summary>
/// The use cases behind the Durable host's workflow functions (<see cref="WorkflowActivities"/>), which cannot be run
/// under Durable here. Each test plays the orchestrator the way src/Omni.Functions/Workflows/WorkflowOrchestrator.cs
/// does: parse the planned YAML, ask the interpreter, call the activity for each decision, and retry an activity that
/// throws <see cref="TransientActionException"/>. The run records must read as the offline runner's do.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class WorkflowActivitiesTests(AzuriteFixture azurite)
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-01-05T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private sealed record Parts(ActionsHost Host, WorkflowStore Store, WorkflowActivities Activities, WorkflowRunStore Runs, EventStore Events) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Store.Dispose();
            await Host.DisposeAsync();
        }
    }

    private async Task<Parts> StartAsync()
    {
        var host = await ActionsHost.StartAsync(azurite, configure: s => s.AddSingleton<TimeProvider>(_clock));
        var store = new WorkflowStore(host.Storage, new WorkflowOptions(), ActionRegistry.Default, _clock);
        var runs = new WorkflowRunStore(host.Storage);
        var events = new EventStore(host.Storage, []);
        await host.Storage.Events.CreateIfNotExistsAsync();
        Evolution.AnswerSendText(host);
        return new Parts(host, store, new WorkflowActivities(store, runs, new WorkflowStepExecutor(host.Registry, _clock), _clock, events), runs, events);
    }

    /// <summary>Drives one planned run as the orchestrator does, until it completes or waits; returns the last decision.</summary>
    private static async Task<Decision> DriveAsync(WorkflowActivities activities, PlannedRun planned, OmniEvent evt, RunHistory? history = null)
    {
        var definition = WorkflowParser.Parse(planned.Yaml, ActionRegistry.Default).Definition!;
        history ??= RunHistory.Empty;
        while (true)
        {
            switch (WorkflowInterpreter.Decide(definition, evt, history))
            {
                case Complete done:
                    await activities.CompleteAsync(new RunCompleteInput(evt.Instance, planned.RunId, done), CancellationToken.None);
                    return done;
                case CallActivity call:
                    for (var attempt = 1; ; attempt++)
                    {
                        try
                        {
                            var output = await activities.RunActionAsync(new ActionActivityInput(definition.Id, planned.RunId, evt, call, WorkflowStepExecutor.EarlierProviders(history, call.StepId)), CancellationToken.None);
                            history = history.Append(new ActivityCompleted(call.StepId, evt.ReceivedAt, call.Provider, output, attempt));
                            break;
                        }
                        catch (TransientActionException) when (attempt < call.Retry.MaxAttempts)
                        {
                        }
                        catch (Exception e) when (e is TransientActionException or PermanentActionException)
                        {
                            history = history.Append(new ActivityFailed(call.StepId, evt.ReceivedAt, call.Provider, e.Message, attempt));
                            break;
                        }
                    }

                    break;
                case WaitForExternalEvent wait:
                    if (await activities.WaitingAsync(
                            new RunWaitInput(evt.Instance, planned.RunId, evt.ConversationId, wait.StepId, wait.Name, wait.Deadline, evt), CancellationToken.None) is { } reply)
                    {
                        history = history.Append(new ExternalEventReceived(wait.StepId, evt.ReceivedAt, reply.Name, reply.Payload));
                        break;
                    }

                    return wait;
                case var other:
                    return other;
            }
        }
    }

    [Fact]
    public async Task DirectText_PlannedOnce_AgentFailsOnceThenAnswers_AuditAndOutcomeRecorded()
    {
        await using var parts = await StartAsync();
        parts.Host.Server.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).InScenario("agent").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503));
        parts.Host.Server.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).InScenario("agent").WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(Providers.ChatCompletion("Tudo ótimo, e você?")));
        var evt = ActionsHost.TextEvent();

        var plan = await parts.Activities.PlanStartAsync(evt, CancellationToken.None);
        var again = await parts.Activities.PlanStartAsync(evt, CancellationToken.None); // the queue message redelivered
        var planned = Assert.Single(plan.Runs);
        Assert.Equal(planned, Assert.Single(again.Runs)); // same run id (= orchestration instance id) and YAML
        Assert.Contains("id: reply-to-direct-text", planned.Yaml, StringComparison.Ordinal);
        Assert.Empty(plan.RepliedTo);

        var created = await parts.Runs.GetAsync(evt.Instance, planned.RunId, CancellationToken.None);
        Assert.Equal(("running", evt.EventId), (created!.Status, created.EventId));

        var done = Assert.IsType<Complete>(await DriveAsync(parts.Activities, planned, evt));
        Assert.Equal(RunOutcomes.Completed, done.Outcome);

        var run = Assert.Single(await parts.Runs.ListForEventAsync(evt.Instance, evt.EventId, CancellationToken.None));
        Assert.Equal(("completed", RunOutcomes.Completed), (run.Status, run.Outcome));
        Assert.Equal(
            [("limit-sender", "completed", 1), ("ask-agent", "failed", 1), ("ask-agent", "completed", 2), ("reply", "completed", 1)],
            run.Audit.Select(a => (a.StepId, a.Status, a.Attempts)));
        Assert.Equal("evolution", run.Audit[^1].Provider);
        Assert.Equal(["limit-sender", "ask-agent", "reply"], run.Steps.Select(s => s.StepId));
        Assert.Single(parts.Host.Server.Requests(Evolution.SendTextPath));
    }

    [Fact]
    public async Task OwnMessage_WaitsForReply_ReplyInTheConversationIsRoutedToItOnce()
    {
        await using var parts = await StartAsync();
        var own = ActionsHost.TextEvent("até amanhã") with { FromMe = true };

        var plan = await parts.Activities.PlanStartAsync(own, CancellationToken.None);
        var remind = plan.Runs.Single(r => r.Yaml.Contains("id: remind-if-no-reply", StringComparison.Ordinal));
        var wait = Assert.IsType<WaitForExternalEvent>(await DriveAsync(parts.Activities, remind, own));
        Assert.Equal(WorkflowInterpreter.ContactRepliedEvent, wait.Name);
        var waiting = await parts.Runs.GetAsync(own.Instance, remind.RunId, CancellationToken.None);
        Assert.Equal(("waiting", WorkflowInterpreter.ContactRepliedEvent, wait.Deadline), (waiting!.Status, waiting.WaitingFor, waiting.WaitingUntil));

        // Another contact's message, a receipt and our own next message are not replies in this conversation.
        Assert.Empty((await parts.Activities.PlanStartAsync(ActionsHost.TextEvent("oi", conversation: "5511999990009@s.whatsapp.net"), CancellationToken.None)).RepliedTo);
        Assert.Empty((await parts.Activities.PlanStartAsync(ActionsHost.TextEvent() with { EventKind = EventKinds.Receipt, Text = null }, CancellationToken.None)).RepliedTo);
        Assert.Empty((await parts.Activities.PlanStartAsync(ActionsHost.TextEvent("mais uma") with { FromMe = true }, CancellationToken.None)).RepliedTo);

        var reply = ActionsHost.TextEvent("oi!");
        var replyPlan = await parts.Activities.PlanStartAsync(reply, CancellationToken.None);
        Assert.Equal([remind.RunId], replyPlan.RepliedTo);
        Assert.Equal(reply.EventId, replyPlan.ReplyPayload!.Value.GetProperty("event_id").GetString());

        await parts.Activities.ReplyDeliveredAsync(reply, remind.RunId, CancellationToken.None);
        Assert.Empty((await parts.Activities.PlanStartAsync(ActionsHost.TextEvent("de novo"), CancellationToken.None)).RepliedTo);
    }

    [Fact]
    public async Task OwnMessage_ContactRepliedBeforeTheWaitExisted_WaitingReturnsTheReply_RunSkipsTheReminder()
    {
        await using var parts = await StartAsync();
        var own = ActionsHost.TextEvent("até amanhã") with { FromMe = true };
        var reply = ActionsHost.TextEvent("até!") with { ReceivedAt = own.ReceivedAt.AddMinutes(1) };
        Assert.True(await parts.Events.TryAddAsync(own, CancellationToken.None));
        Assert.True(await parts.Events.TryAddAsync(reply, CancellationToken.None)); // stored before the run waits

        var remind = (await parts.Activities.PlanStartAsync(own, CancellationToken.None)).Runs.Single(r => r.Yaml.Contains("id: remind-if-no-reply", StringComparison.Ordinal));
        var done = Assert.IsType<Complete>(await DriveAsync(parts.Activities, remind, own));

        Assert.Equal(StepStatuses.Skipped, Assert.Single(done.Steps).Status); // unless: replied
        var run = await parts.Runs.GetAsync(own.Instance, remind.RunId, CancellationToken.None);
        Assert.Equal(("completed", 0), (run!.Status, run.Audit.Count));
    }
}
