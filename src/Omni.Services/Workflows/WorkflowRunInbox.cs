using System.Text.Json;
using Azure.Storage.Queues;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Engine.Workflows.Running;
using Omni.Services.Storage;

namespace Omni.Services.Workflows;

/// <summary>
/// A message of the <c>workflow-runs</c> queue: a new event whose workflows are to be started, or, with
/// <paramref name="WorkflowId"/>, one workflow started for an event on request (<c>start_workflow</c>: no trigger check).
/// </summary>
public sealed record WorkflowRunMessage(string Instance, string EventId, string? WorkflowId = null);

/// <summary>
/// The <c>workflow-runs</c> queue: the normalizer enqueues every new event that concerns the runner
/// (<see cref="ConcernsAsync"/>), and again a duplicate found while redelivering the same ingest message (its first
/// delivery may have died between storing the event and enqueueing it); the host's consumer starts its runs
/// (idempotent by run id).
/// </summary>
public sealed class WorkflowRunInbox(OmniStorage storage, WorkflowStore? workflows = null)
{
    private volatile bool _ready;

    public QueueClient Queue { get; } = storage.Queues.GetQueueClient(storage.Names.WorkflowRunsQueue);

    /// <summary>Where the offline consumer moves a message after its last failed delivery (the Functions runtime does the same for its trigger).</summary>
    public QueueClient PoisonQueue { get; } = storage.Queues.GetQueueClient(storage.Names.WorkflowRunsPoisonQueue);

    /// <summary>
    /// True when the runner has something to do with the event: an effective workflow it triggers (trigger and
    /// <c>when</c>, from the cached workflow snapshot), or a message that raises a conversation signal (the contact's
    /// reply, or ours) that may end a wait. Receipts, presence,
    /// connection and contact updates usually concern nobody and cost no queue message.
    /// </summary>
    public async Task<bool> ConcernsAsync(OmniEvent evt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return workflows is null || WorkflowInterpreter.SignalOf(evt) is not null || (await workflows.GetAsync(cancellationToken)).Catalog.Match(evt).Any();
    }

    public Task EnqueueAsync(OmniEvent evt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return EnqueueAsync(new WorkflowRunMessage(evt.Instance, evt.EventId), cancellationToken);
    }

    public async Task EnqueueAsync(WorkflowRunMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_ready)
        {
            await Queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _ready = true;
        }

        await Queue.SendMessageAsync(JsonSerializer.Serialize(message, OmniJson.Options), cancellationToken);
    }

    public static WorkflowRunMessage? Parse(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<WorkflowRunMessage>(text, OmniJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
