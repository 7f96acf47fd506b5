using System.Diagnostics;
using Omni.Engine.Events;
using Omni.Engine.Normalization;
using Omni.Services.Catalog;
using Omni.Services.DeadLetters;
using Omni.Services.Events;
using Omni.Services.Identity;
using Omni.Services.Ingest;
using Omni.Services.Reconcile;
using Omni.Services.Storage;
using Omni.Services.Telemetry;

namespace Omni.Services.Normalize;

/// <summary>
/// Turns one archived payload into stored events. Payloads that can never succeed (blob gone, unreadable, no
/// normalizer, a normalizer bug, an id too long to be one, a value storage refuses for its size or form) are quarantined
/// at once with the reason; other storage failures throw so the host retries. A payload that stored its result leaves an
/// ingest marker (<see cref="IngestMarkers"/>), a quarantined one its dead letter: what the reconciliation sweep looks for.
/// </summary>
public sealed class NormalizeProcessor(
    RawArchive archive, NormalizerRegistry normalizers, EventStore events, DeadLetterStore deadLetters, IdentityResolver identities,
    CatalogStore catalog, TimeProvider time, IngestMarkers markers, Omni.Services.Workflows.WorkflowRunInbox? workflowRuns = null)
{
    public async Task<NormalizeOutcome> ProcessAsync(IngestMessage message, int attempt, CancellationToken cancellationToken)
    {
        // The omni.normalize span, duration histogram and duplicate counter around the unchanged processing below.
        using var activity = OmniTelemetry.StartNormalize(message);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        NormalizeOutcome? outcome = null;
        try
        {
            outcome = await NormalizeAsync(message, attempt, cancellationToken);
            return outcome;
        }
        finally
        {
            OmniTelemetry.RecordNormalize(activity, message.Provider, outcome, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    private async Task<NormalizeOutcome> NormalizeAsync(IngestMessage message, int attempt, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var archived = await archive.GetAsync(message.BlobName, cancellationToken);
        if (archived is null)
        {
            return await QuarantineAsync(message, attempt, $"the archived payload {message.BlobName} does not exist", cancellationToken);
        }

        if (normalizers.Find(message.Provider) is not { } normalizer)
        {
            return await QuarantineAsync(message, attempt, $"no normalizer for provider '{message.Provider}'", cancellationToken);
        }

        var payload = new RawPayload(message.Provider, message.Instance, message.IngestId, message.BlobName,
            message.ReceivedAt, archived.ContentType, archived.Content.ToMemory())
        {
            DeliveryId = archived.Metadata.TryGetValue(RawArchive.DeliveryIdKey, out var deliveryId) ? deliveryId : null,
        };
        NormalizationResult result;
        var watch = Stopwatch.StartNew();
        try
        {
            result = normalizer.Normalize(payload);
        }
#pragma warning disable CA1031 // A normalizer is pure code: whatever it throws, retrying the same bytes cannot help.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return await QuarantineAsync(message, attempt, $"the {message.Provider} normalizer failed: {ex.GetType().Name}: {ex.Message}", cancellationToken);
        }

        if (result.QuarantineReason is { } reason)
        {
            return await QuarantineAsync(message, attempt, reason, cancellationToken);
        }

        // Each event records the normalizer version that made it: the catalogue and the drift check compare with the current one.
        result = NormalizationResult.Ok([.. result.Events.Select(e => e with { NormalizerVersion = normalizer.Version })]);

        // An id longer than an id can be (EventLimits.MaxIdChars) is refused: the same bytes always make the same id, so
        // that event can never be stored. The payload's other events are stored; the payload is quarantined with the reason.
        var refused = result.Events.Select((e, i) => (Index: i, Event: e, Problem: EventLimits.OversizedIds(e))).Where(x => x.Problem is not null).ToList();
        var accepted = refused.Count == 0 ? result.Events : [.. result.Events.Where(e => EventLimits.OversizedIds(e) is null)];

        var added = 0;
        var marked = false; // the payload's ingest marker rides in its first new event's transaction (no extra operation)
        OmniEvent? current = null;
        try
        {
            // Each sender resolved to an identity (cached: no storage operation for a handle seen before), identity_id stamped.
            var stamped = await identities.StampAsync(accepted, cancellationToken);
            var timing = new NormalizeTiming(startedAt, watch.Elapsed); // normalize + identity resolution, shown by the trace
            foreach (var e in stamped)
            {
                current = e;
                var carriesMarker = !marked && e.Instance == message.Instance;
                var isNew = await events.TryAddAsync(e, timing, carriesMarker ? IngestMarkers.EntityFor(message) : null, cancellationToken);
                if (isNew)
                {
                    added++;
                    marked |= carriesMarker;
                    OmniTelemetry.RecordEventIngested(e.Provider, e.EventKind);
                }

                // A new event starts its workflows (if any concern it). So does a duplicate met on a redelivery (attempt > 1) of this message:
                // the first delivery may have stored the event and died before this line. Runs are idempotent by id, so
                // a second start is harmless; a duplicate from another delivery of the payload (attempt 1) starts nothing.
                if (workflowRuns is not null && (isNew || attempt > 1) && await workflowRuns.ConcernsAsync(e, cancellationToken))
                {
                    await workflowRuns.EnqueueAsync(e, cancellationToken);
                }
            }
        }
        catch (Exception ex) when (TableLimits.IsPermanent(ex))
        {
            // Storage refused it for what it is (too large, an invalid key): every delivery would fail the same way.
            var what = current is null ? "the payload's identities" : $"event {current.EventId} ({current.EventKind}, {Abbreviated(current.Shape)})";
            return await QuarantineAsync(message, attempt, $"{CannotBeStored}{what}: {Describe(ex)}", cancellationToken);
        }

        if (!marked && (refused.Count == 0 || accepted.Count > 0))
        {
            // No new event carried the marker (an empty batch, or only duplicates of events another ingest id stored):
            // write it on its own, so the reconciliation sweep knows this payload was handled. (A payload whose every
            // event was refused has its dead letter instead.)
            await markers.MarkAsync(message, cancellationToken);
        }

        if (refused.Count > 0)
        {
            var refusal = EventLimits.IdTooLongReason +
                         string.Join("; ", refused.Select(r => $"event {r.Index + 1} of {result.Events.Count} ({r.Event.EventKind}, {Abbreviated(r.Event.Shape)}): {r.Problem}")) +
                         $"; an id is at most {EventLimits.MaxIdChars} characters" +
                         (accepted.Count > 0 ? $"; the payload's other {accepted.Count} event(s) were stored" : "");
            var quarantined = await QuarantineAsync(message, attempt, refusal, cancellationToken);
            return new NormalizeOutcome(added, accepted.Count - added, quarantined.QuarantineReason);
        }

        return new NormalizeOutcome(added, result.Events.Count - added, null);
    }

    /// <summary>The start of the reason for a payload storage refused deterministically (the catalogue's <c>too_large</c> class).</summary>
    public const string CannotBeStored = "cannot be stored: ";

    private static string Abbreviated(string? shape) => shape is null ? "no shape" : shape.Length <= 100 ? shape : EventLimits.Cut(shape, 100) + "…";

    private static string Describe(Exception ex) => ex switch
    {
        StorageLimitException limit => limit.Message,
        Azure.RequestFailedException r => $"{r.ErrorCode ?? r.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)}: {r.Message.Split('\n')[0]}",
        _ => ex.Message,
    };

    private async Task<NormalizeOutcome> QuarantineAsync(IngestMessage message, int attempt, string reason, CancellationToken cancellationToken)
    {
        var letter = new DeadLetter(message.IngestId, message.Provider, message.Instance, message.BlobName, "normalize", reason, attempt, message.ReceivedAt);
        var isNew = !await deadLetters.ExistsAsync(letter, cancellationToken);
        await deadLetters.RecordAsync(letter, cancellationToken);
        if (isNew)
        {
            // Counted once per quarantined payload (a crash between the two writes undercounts by one; quarantine is rare).
            await catalog.RecordQuarantineAsync(message.Instance, message.Provider, message.IngestId, reason, message.ReceivedAt, cancellationToken);
        }

        return new NormalizeOutcome(0, 0, reason);
    }
}

/// <summary>Events newly stored, events already present (duplicates suppressed), and the quarantine reason if any.</summary>
public sealed record NormalizeOutcome(int Added, int Duplicates, string? QuarantineReason);
