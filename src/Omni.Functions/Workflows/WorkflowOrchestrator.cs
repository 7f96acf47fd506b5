using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Omni.Engine.Events;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Running;
using Omni.Services.Actions;
using Omni.Services.Events;
using Omni.Services.Workflows;
using DurableRetryContext = Microsoft.DurableTask.RetryContext;

namespace Omni.Functions.Workflows;

/// <summary>
/// Production's driver of <see cref="WorkflowInterpreter"/> (docs/workflows.md, "Durable Functions"): one orchestration
/// per (event, workflow version), instance id = the run id, so a redelivered event never starts a second run.
/// Activities are actions (<see cref="RunActionActivity"/>), retried per the step's policy for transient failures only;
/// follow-ups are durable timers; waits race <c>WaitForExternalEvent</c> against a timer. The history is rebuilt on
/// each replay from the awaited results, so it is never stored separately. The activities also keep the run record
/// the audit API reads (an audit line per attempt, waiting, completed), through <see cref="WorkflowActivities"/>,
/// the same records the offline runner keeps: all logic is there; this class only binds Durable to it.
/// </summary>
public sealed class WorkflowOrchestrator(WorkflowActivities activities, EventStore events, WorkflowRunInbox inbox, ILogger<WorkflowOrchestrator> logger)
{
    /// <summary>Unprefixed, like the ingest queue (Omni:Storage:Prefix must be empty in Azure).</summary>
    public const string RunsQueue = "workflow-runs";

    /// <summary>
    /// A new event (enqueued by the normalizer): start a run of each workflow it triggers, and tell runs waiting in its
    /// conversation. The event is read as its row stores it (a large event's bounded view, no blob read), which is what
    /// the orchestrator's input carries (<see cref="WorkflowRunInput"/>).
    /// </summary>
    [Function("StartWorkflowRuns")]
    public async Task StartAsync(
        [QueueTrigger(RunsQueue, Connection = "AzureWebJobsStorage")] QueueMessage message,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        if (WorkflowRunInbox.Parse(message.MessageText) is not { } run)
        {
            return;
        }

        // A shared message (several events the normalizer stored together): an event that fails is enqueued again in a
        // message of its own, retried and poisoned by itself; the others are not held back by it.
        foreach (var eventId in run.Events)
        {
            try
            {
                await StartEventAsync(run, eventId, client, cancellationToken);
            }
            catch (Exception e) when (run.Events.Count > 1 && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                logger.LogWarning(e, "Starting the workflows of event {EventId} (one of {Count} in a message) failed; retrying it in a message of its own", eventId, run.Events.Count);
                await inbox.EnqueueAsync(run.For(eventId), cancellationToken);
            }
        }
    }

    private async Task StartEventAsync(WorkflowRunMessage run, string eventId, DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (await events.GetStoredAsync(eventId, cancellationToken) is not { } evt)
        {
            return;
        }

        var plan = await activities.PlanStartAsync(evt, cancellationToken, run.WorkflowId);
        foreach (var planned in plan.Runs)
        {
            if (await client.GetInstanceAsync(planned.RunId, cancellationToken) is null)
            {
                await client.ScheduleNewOrchestrationInstanceAsync(
                    nameof(RunWorkflow), new WorkflowRunInput(planned.Yaml, evt), new StartOrchestrationOptions(planned.RunId), cancellationToken);
            }
        }

        foreach (var waiting in plan.RepliedTo)
        {
            // Only to a run still in progress (buffered when it is not waiting yet). A wait outlives its run when the deadline
            // won or the run failed, and the Azure Storage provider refuses events for instances that are not running
            // (throwStatusExceptionsOnRaiseEvent): raising anyway would fail this message, and every later reply in the
            // conversation, since the spent wait would never be dropped.
            if (await client.GetInstanceAsync(waiting, cancellationToken) is { RuntimeStatus: OrchestrationRuntimeStatus.Running
                    or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended })
            {
                await client.RaiseEventAsync(waiting, plan.Signal!, plan.ReplyPayload, cancellationToken);
            }

            await activities.ReplyDeliveredAsync(evt, waiting, cancellationToken);
        }
    }

    [Function(nameof(RunWorkflow))]
    public static async Task<Complete> RunWorkflow([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<WorkflowRunInput>()!;
        var definition = WorkflowParser.Parse(input.Yaml, Omni.Engine.Workflows.Actions.ActionRegistry.Default).Definition
                         ?? throw new InvalidOperationException("a stored workflow version no longer validates");
        var evt = input.Event;
        var history = RunHistory.Empty;
        var bound = WorkflowInterpreter.MaxDecisions(definition); // finite: the validator rejects loops
        for (var decisions = 0; decisions < bound; decisions++)
        {
            switch (WorkflowInterpreter.Decide(definition, evt, history))
            {
                case Complete done:
                    await context.CallActivityAsync(nameof(CompleteRunActivity), new RunCompleteInput(evt.Instance, context.InstanceId, done));
                    return done;
                case CallActivity call:
                    var failedAttempts = 0;
                    var options = TaskOptions.FromRetryHandler(async (DurableRetryContext retry) =>
                    {
                        failedAttempts = retry.LastAttemptNumber;
                        if (retry.LastAttemptNumber >= call.Retry.MaxAttempts || !retry.LastFailure.IsCausedBy<TransientActionException>())
                        {
                            return false;
                        }

                        var asked = WorkflowStepExecutor.RetryAfterIn(retry.LastFailure.ErrorMessage).RetryAfter;
                        await retry.OrchestrationContext.CreateTimer(WorkflowStepExecutor.RetryDelay(call.Retry, retry.LastAttemptNumber, asked), CancellationToken.None);
                        return true;
                    });
                    try
                    {
                        var output = await context.CallActivityAsync<JsonElement>(
                            nameof(RunActionActivity),
                            new ActionActivityInput(definition.Id, context.InstanceId, evt, call, WorkflowStepExecutor.EarlierProviders(history, call.StepId)),
                            options);
                        history = history.Append(new ActivityCompleted(call.StepId, context.CurrentUtcDateTime, call.Provider, output, failedAttempts + 1));
                    }
                    catch (TaskFailedException e)
                    {
                        history = history.Append(new ActivityFailed(
                            call.StepId, context.CurrentUtcDateTime, call.Provider, WorkflowStepExecutor.RetryAfterIn(e.FailureDetails.ErrorMessage).Message,
                            Math.Max(failedAttempts, 1)));
                    }

                    break;
                case StartTimer timer:
                    // A timer registers no signal wait, so the activity answers null here.
                    await context.CallActivityAsync<ConversationSignal?>(nameof(RunWaitingActivity),
                        new RunWaitInput(evt.Instance, context.InstanceId, evt.ConversationId, timer.StepId, null, timer.FireAt));
                    await context.CreateTimer(timer.FireAt.UtcDateTime, CancellationToken.None);
                    history = history.Append(new TimerFired(timer.StepId, context.CurrentUtcDateTime));
                    break;
                case ReadConversation read:
                    var state = await context.CallActivityAsync<JsonElement>(nameof(ReadConversationActivity), new ConversationReadInput(context.InstanceId, read.StepId, evt));
                    history = history.Append(new ConversationRead(read.StepId, context.CurrentUtcDateTime, state));
                    break;
                case WaitForExternalEvent wait:
                    var answered = await context.CallActivityAsync<ConversationSignal?>(nameof(RunWaitingActivity),
                        new RunWaitInput(evt.Instance, context.InstanceId, evt.ConversationId, wait.StepId, wait.Name, wait.Deadline, evt) { AlsoNames = wait.AlsoNames });
                    if (answered is { } signal)
                    {
                        // The message came before this wait existed, so nobody will raise the signal.
                        history = history.Append(new ExternalEventReceived(wait.StepId, context.CurrentUtcDateTime, signal.Name, signal.Payload));
                        break;
                    }

                    using (var cancel = new CancellationTokenSource())
                    {
                        // Nullable: an event raised without data (POST /api/runs/{id}/events/{name} with no body) arrives as
                        // null, which Durable cannot unbox into a JsonElement (the orchestration would fail). A follow-up may
                        // wait for two signals at once (contact_replied, we_replied): the first to arrive wins.
                        var received = wait.Names.Select(name => (Name: name, Task: context.WaitForExternalEvent<JsonElement?>(name, cancel.Token))).ToList();
                        var deadline = context.CreateTimer(wait.Deadline.UtcDateTime, cancel.Token);
                        var winner = await Task.WhenAny([.. received.Select(r => (Task)r.Task), deadline]);
                        cancel.Cancel(); // cancel the losers (synchronously, as Durable's samples do)
                        history = history.Append(received.FirstOrDefault(r => r.Task == winner) is { Task: not null } arrived
                            ? new ExternalEventReceived(wait.StepId, context.CurrentUtcDateTime, arrived.Name, arrived.Task.Result)
                            : new TimerFired(wait.StepId, context.CurrentUtcDateTime));
                    }

                    break;
            }
        }

        throw new InvalidOperationException(
            $"run {context.InstanceId} of workflow '{definition.Id}' v{definition.Version} made more than {bound} decisions, its bound");
    }

    /// <summary>One action attempt (effect-once for side effects), audited. Failures throw, so Durable retries or records them.</summary>
    [Function(nameof(RunActionActivity))]
    public Task<JsonElement> RunActionActivity([ActivityTrigger] ActionActivityInput input, CancellationToken cancellationToken) =>
        activities.RunActionAsync(input, cancellationToken);

    /// <summary>Shows the run as waiting (timer or external event), registers a signal wait, and returns a signal whose message came first.</summary>
    [Function(nameof(RunWaitingActivity))]
    public Task<ConversationSignal?> RunWaitingActivity([ActivityTrigger] RunWaitInput input, CancellationToken cancellationToken) =>
        activities.WaitingAsync(input, cancellationToken);

    /// <summary>The run's conversation state for a condition reading <c>conversation.*</c> (recorded in the history by the orchestrator).</summary>
    [Function(nameof(ReadConversationActivity))]
    public Task<JsonElement> ReadConversationActivity([ActivityTrigger] ConversationReadInput input, CancellationToken cancellationToken) =>
        activities.ReadConversationAsync(input, cancellationToken);

    /// <summary>Records the run's outcome for the audit API.</summary>
    [Function(nameof(CompleteRunActivity))]
    public Task CompleteRunActivity([ActivityTrigger] RunCompleteInput input, CancellationToken cancellationToken) =>
        activities.CompleteAsync(input, cancellationToken);
}
