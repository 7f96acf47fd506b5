using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Storage.Queues;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Engine.Workflows.Running;
using Omni.Services.Storage;

namespace Omni.Services.Workflows;

/// <summary>
/// A message of the <c>workflow-runs</c> queue: new events of one instance whose workflows are to be started
/// (<paramref name="EventId"/>, or every one of <see cref="EventIds"/> when the normalizer stored several together), or,
/// with <paramref name="WorkflowId"/>, one workflow started for one event on request (<c>start_workflow</c>: no trigger check).
/// </summary>
public sealed record WorkflowRunMessage(string Instance, string EventId, string? WorkflowId = null)
{
    /// <summary>All the events of a shared message, <see cref="EventId"/> first; null for a message of one event.</summary>
    public IReadOnlyList<string>? EventIds { get; init; }

    /// <summary>The events whose runs this message starts.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Events => EventIds is { Count: > 0 } ids ? ids : [EventId];

    /// <summary>The message that starts the runs of just one of this message's events (how a shared message's failure is retried).</summary>
    public WorkflowRunMessage For(string eventId) => new(Instance, eventId, WorkflowId);
}

/// <summary>
/// The <c>workflow-runs</c> queue: the normalizer enqueues every new event that concerns the runner
/// (<see cref="ConcernsAsync"/>), and again a duplicate found while redelivering the same ingest message (its first
/// delivery may have died between storing the event and enqueueing it); the host's consumer starts its runs
/// (idempotent by run id).
/// Events of one instance enqueued while a message for that instance is being sent share the next message (up to
/// <see cref="MaxEventsPerMessage"/>): a lone event is sent at once, a busy instance pays one queue put for many events
/// (docs/decisions.md, "Shared run messages"). Each caller returns once the message naming its event is stored.
/// </summary>
public sealed class WorkflowRunInbox(OmniStorage storage, WorkflowStore? workflows = null)
{
    /// <summary>Events named by one message at most: about 7 KB of text with 64-character ids, far below a queue message's 64 KB.</summary>
    public const int MaxEventsPerMessage = 100;

    /// <summary>Characters of event ids one message carries at most (ids are up to <see cref="EventLimits.MaxIdChars"/> long).</summary>
    private const int MaxIdCharsPerMessage = 24_000;

    private GroupSender<Waiting>? _sender;
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

    /// <summary>Enqueues the runs of <paramref name="evt"/>, in a message it may share with other events of its instance; returns once that message is stored.</summary>
    public Task EnqueueAsync(OmniEvent evt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var waiting = new Waiting(evt.EventId);
        LazyInitializer.EnsureInitialized(ref _sender, () => new GroupSender<Waiting>(TakeGroup, SendGroupAsync, (w, ex) => w.Sent.TrySetException(ex)))
            .Add(evt.Instance, waiting);
        return waiting.Sent.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Enqueues <paramref name="message"/> as it is (one message).</summary>
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

    /// <summary>One message naming the group's events; each caller learns when it is stored, or why not.</summary>
    private async Task SendGroupAsync(string instance, List<Waiting> group)
    {
        var ids = group.Select(w => w.EventId).Distinct(StringComparer.Ordinal).ToList();
        try
        {
            await EnqueueAsync(new WorkflowRunMessage(instance, ids[0]) { EventIds = ids.Count > 1 ? ids : null }, CancellationToken.None);
            group.ForEach(w => w.Sent.TrySetResult());
        }
#pragma warning disable CA1031 // The failure is each waiting caller's: its ingest message is retried and enqueues again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            group.ForEach(w => w.Sent.TrySetException(ex));
        }
    }

    private static List<Waiting> TakeGroup(List<Waiting> queue)
    {
        var count = 0;
        var chars = 0;
        while (count < queue.Count && count < MaxEventsPerMessage && (count == 0 || chars + queue[count].EventId.Length <= MaxIdCharsPerMessage))
        {
            chars += queue[count].EventId.Length;
            count++;
        }

        var group = queue.GetRange(0, count);
        queue.RemoveRange(0, count);
        return group;
    }

    private sealed class Waiting(string eventId)
    {
        public string EventId { get; } = eventId;

        public TaskCompletionSource Sent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
