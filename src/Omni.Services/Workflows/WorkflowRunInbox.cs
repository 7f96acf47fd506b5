using System.Text.Json;
using Azure.Storage.Queues;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Services.Storage;

namespace Omni.Services.Workflows;

/// <summary>A message of the <c>workflow-runs</c> queue: a new event whose workflows are to be started.</summary>
public sealed record WorkflowRunMessage(string Instance, string EventId);

/// <summary>
/// The <c>workflow-runs</c> queue: the normalizer enqueues every new event, and again a duplicate found while redelivering
/// the same ingest message (its first delivery may have died between storing the event and enqueueing it); the host's
/// consumer starts its runs (idempotent by run id).
/// </summary>
public sealed class WorkflowRunInbox(OmniStorage storage)
{
    private volatile bool _ready;

    public QueueClient Queue { get; } = storage.Queues.GetQueueClient(storage.Names.WorkflowRunsQueue);

    /// <summary>Where the offline consumer moves a message after its last failed delivery (the Functions runtime does the same for its trigger).</summary>
    public QueueClient PoisonQueue { get; } = storage.Queues.GetQueueClient(storage.Names.WorkflowRunsPoisonQueue);

    public async Task EnqueueAsync(OmniEvent evt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (!_ready)
        {
            await Queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _ready = true;
        }

        await Queue.SendMessageAsync(JsonSerializer.Serialize(new WorkflowRunMessage(evt.Instance, evt.EventId), OmniJson.Options), cancellationToken);
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
