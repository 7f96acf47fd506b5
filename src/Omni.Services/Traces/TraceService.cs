using Omni.Engine.Events;
using Omni.Services.Events;

namespace Omni.Services.Traces;

/// <summary>
/// The trace of one event: how it came in (the archived payload and when it was accepted), how it was normalized
/// (when, how long, to which identity) and what workflows did with it. Everything is read from what the pipeline
/// already stored: the canonical event row carries the normalizer's timing, the row's own timestamp is when it was
/// stored; workflow runs come from <see cref="IWorkflowRunLog"/>.
/// </summary>
public sealed class TraceService(EventStore events, IWorkflowRunLog workflowRuns)
{
    public async Task<EventTrace?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        if (await events.GetCanonicalRowAsync(eventId, cancellationToken) is not { } row)
        {
            return null;
        }

        var e = EventStore.ReadStoredEvent(row); // what the trace shows is in the row: no blob read
        var storedAt = row.Timestamp;
        var ingest = new IngestTrace(IngestIdOf(e.RawBlob), e.Provider, e.RawBlob, e.ReceivedAt);
        var normalize = new NormalizeTrace(
            e.Provider,
            row.GetDateTimeOffset("NormalizeStartedAt"),
            row.GetDouble("NormalizeMs"),
            storedAt,
            storedAt is { } s ? Math.Max(0, (s - e.ReceivedAt).TotalMilliseconds) : null,
            e.EventKind,
            e.ContentType,
            e.Shape,
            new IdentityTrace(e.SenderHandle, e.IdentityId, e.IdentityId is null ? "unresolved" : "resolved"));
        var runs = await workflowRuns.ListForEventAsync(e.Instance, eventId, cancellationToken);
        return new EventTrace(e.EventId, e.Instance, ingest, normalize, runs);
    }

    /// <summary>The archive blob is <c>{provider}/{instance}/yyyy/MM/dd/HH/{ingest_id}</c>.</summary>
    private static string? IngestIdOf(string rawBlob) => rawBlob.LastIndexOf('/') is var i and >= 0 ? rawBlob[(i + 1)..] : null;
}

/// <summary>
/// Where workflow runs of an event are recorded. The workflow engine registers its implementation; until then there
/// are none (<see cref="NoWorkflowRuns"/>).
/// </summary>
public interface IWorkflowRunLog
{
    Task<IReadOnlyList<WorkflowRunTrace>> ListForEventAsync(string instance, string eventId, CancellationToken cancellationToken);
}

public sealed class NoWorkflowRuns : IWorkflowRunLog
{
    public Task<IReadOnlyList<WorkflowRunTrace>> ListForEventAsync(string instance, string eventId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WorkflowRunTrace>>([]);
}

public sealed record EventTrace(string EventId, string Instance, IngestTrace Ingest, NormalizeTrace Normalize, IReadOnlyList<WorkflowRunTrace> WorkflowRuns);

public sealed record IngestTrace(string? IngestId, string Provider, string RawBlob, DateTimeOffset ReceivedAt);

/// <summary>Normalizing: when it started, how long the normalizer took, when the event was stored and how long after it was received.</summary>
public sealed record NormalizeTrace(
    string Normalizer,
    DateTimeOffset? StartedAt,
    double? DurationMs,
    DateTimeOffset? StoredAt,
    double? LatencyMs,
    string EventKind,
    string ContentType,
    string? Shape,
    IdentityTrace Identity);

/// <summary>Identity resolution: the handle and the identity it resolved to (null until the identity registry runs).</summary>
public sealed record IdentityTrace(string? SenderHandle, string? IdentityId, string Status);

/// <summary>One workflow run on the event: the workflow, its outcome and its steps, with timings.</summary>
public sealed record WorkflowRunTrace(
    string RunId,
    string Workflow,
    string? Version,
    string Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? CompletedAt,
    IReadOnlyList<WorkflowStepTrace> Steps);

/// <summary>One step of a run: the action, its outcome, attempts, timings and error if any.</summary>
public sealed record WorkflowStepTrace(
    string Step,
    string Action,
    string Status,
    int Attempts,
    DateTimeOffset StartedAt,
    DateTimeOffset? CompletedAt,
    string? Error);
