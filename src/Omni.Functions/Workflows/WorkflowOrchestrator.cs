using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Omni.Engine.Events;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Running;
using Omni.Services.Actions;
using Omni.Services.Events;
using Omni.Services.Workflows;
using DurableRetryContext = Microsoft.DurableTask.RetryContext;

namespace Omni.Functions.Workflows;

/// <summary>What an orchestration is started with: the workflow version's YAML (stored versions are immutable) and the event.</summary>
public sealed record WorkflowRunInput(string Yaml, OmniEvent Event);

/// <summary>What <see cref="WorkflowOrchestrator.RunActionActivity"/> runs: one <see cref="CallActivity"/> of one run of workflow <see cref="WorkflowId"/>.</summary>
public sealed record ActionActivityInput(string RunId, OmniEvent Event, CallActivity Call, string? WorkflowId = null);

/// <summary>
/// Production's driver of <see cref="WorkflowInterpreter"/> (docs/workflows.md, "Durable Functions"): one orchestration
/// per (event, workflow version), instance id = the run id, so a redelivered event never starts a second run.
/// Activities are actions (<see cref="RunActionActivity"/>), retried per the step's policy for transient failures only;
/// follow-ups are durable timers; waits race <c>WaitForExternalEvent</c> against a timer. The history is rebuilt on
/// each replay from the awaited results, so it is never stored separately.
/// </summary>
public sealed class WorkflowOrchestrator(WorkflowStore workflows, EventStore events, ActionExecutorRegistry executors)
{
    /// <summary>Unprefixed, like the ingest queue (Omni:Storage:Prefix must be empty in Azure).</summary>
    public const string RunsQueue = "workflow-runs";

    /// <summary>A new event (enqueued by the normalizer): start a run of each workflow it triggers, and tell runs waiting in its conversation.</summary>
    [Function("StartWorkflowRuns")]
    public async Task StartAsync(
        [QueueTrigger(RunsQueue, Connection = "AzureWebJobsStorage")] QueueMessage message,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        if (WorkflowRunInbox.Parse(message.MessageText) is not { } run || await events.GetAsync(run.EventId, cancellationToken) is not { } evt)
        {
            return;
        }

        var snapshot = await workflows.GetAsync(cancellationToken);
        foreach (var definition in snapshot.Catalog.Match(evt))
        {
            var runId = WorkflowInterpreter.RunIdFor(definition, evt);
            if (await client.GetInstanceAsync(runId, cancellationToken) is not null)
            {
                continue; // the same event again
            }

            var yaml = snapshot.Versions(definition.Id).First(w => w.Definition.Version == definition.Version).Yaml;
            await client.ScheduleNewOrchestrationInstanceAsync(
                nameof(RunWorkflow), new WorkflowRunInput(yaml, evt), new StartOrchestrationOptions(runId), cancellationToken);
        }
    }

    [Function(nameof(RunWorkflow))]
    public static async Task<Complete> RunWorkflow([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<WorkflowRunInput>()!;
        var definition = WorkflowParser.Parse(input.Yaml, Omni.Engine.Workflows.Actions.ActionRegistry.Default).Definition
                         ?? throw new InvalidOperationException("a stored workflow version no longer validates");
        var history = RunHistory.Empty;
        while (true)
        {
            switch (WorkflowInterpreter.Decide(definition, input.Event, history))
            {
                case Complete done:
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

                        await retry.OrchestrationContext.CreateTimer(Backoff(call.Retry, retry.LastAttemptNumber), CancellationToken.None);
                        return true;
                    });
                    try
                    {
                        var output = await context.CallActivityAsync<JsonElement>(
                            nameof(RunActionActivity), new ActionActivityInput(context.InstanceId, input.Event, call, definition.Id), options);
                        history = history.Append(new ActivityCompleted(call.StepId, context.CurrentUtcDateTime, call.Provider, output, failedAttempts + 1));
                    }
                    catch (TaskFailedException e)
                    {
                        history = history.Append(new ActivityFailed(
                            call.StepId, context.CurrentUtcDateTime, call.Provider, e.FailureDetails.ErrorMessage, Math.Max(failedAttempts, 1)));
                    }

                    break;
                case StartTimer timer:
                    await context.CreateTimer(timer.FireAt.UtcDateTime, CancellationToken.None);
                    history = history.Append(new TimerFired(timer.StepId, context.CurrentUtcDateTime));
                    break;
                case WaitForExternalEvent wait:
                    using (var cancel = new CancellationTokenSource())
                    {
                        var received = context.WaitForExternalEvent<JsonElement>(wait.Name, cancel.Token);
                        var deadline = context.CreateTimer(wait.Deadline.UtcDateTime, cancel.Token);
                        var winner = await Task.WhenAny(received, deadline);
                        await cancel.CancelAsync(); // cancel the loser
                        history = history.Append(winner == received
                            ? new ExternalEventReceived(wait.StepId, context.CurrentUtcDateTime, wait.Name, received.Result)
                            : new TimerFired(wait.StepId, context.CurrentUtcDateTime));
                    }

                    break;
            }
        }
    }

    /// <summary>One action: its executor (effect-once for side effects, keyed by run and step). Failures throw, so Durable retries or records them.</summary>
    [Function(nameof(RunActionActivity))]
    public async Task<JsonElement> RunActionActivity([ActivityTrigger] ActionActivityInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var outcome = await executors.ExecuteAsync(new ActionInvocation
        {
            RunId = input.RunId,
            StepId = input.Call.StepId,
            ActionId = input.Call.ActionId,
            WorkflowId = input.WorkflowId,
            Event = input.Event,
            Parameters = input.Call.Parameters,
            Provider = input.Call.Provider,
        }, cancellationToken: cancellationToken);
        return outcome.Output;
    }

    private static TimeSpan Backoff(Omni.Engine.Workflows.RetryPolicy retry, int failedAttempts) =>
        TimeSpan.FromMilliseconds(Math.Min(
            retry.FirstDelay.TotalMilliseconds * Math.Pow(retry.Backoff, Math.Max(0, failedAttempts - 1)),
            retry.MaxDelay.TotalMilliseconds));
}
