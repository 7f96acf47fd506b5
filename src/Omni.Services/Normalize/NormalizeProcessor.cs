using System.Diagnostics;
using Omni.Engine.Normalization;
using Omni.Services.Catalog;
using Omni.Services.DeadLetters;
using Omni.Services.Events;
using Omni.Services.Ingest;

namespace Omni.Services.Normalize;

/// <summary>
/// Turns one archived payload into stored events. Payloads that can never succeed (blob gone, unreadable, no
/// normalizer, a normalizer bug) are quarantined at once with the reason; storage failures throw so the host retries.
/// </summary>
public sealed class NormalizeProcessor(
    RawArchive archive, NormalizerRegistry normalizers, EventStore events, DeadLetterStore deadLetters, CatalogStore catalog, TimeProvider time)
{
    public async Task<NormalizeOutcome> ProcessAsync(IngestMessage message, int attempt, CancellationToken cancellationToken)
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
            message.ReceivedAt, archived.ContentType, archived.Content.ToMemory());
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

        var timing = new NormalizeTiming(startedAt, watch.Elapsed);
        var added = 0;
        foreach (var e in result.Events)
        {
            if (await events.TryAddAsync(e, timing, cancellationToken))
            {
                added++;
            }
        }

        return new NormalizeOutcome(added, result.Events.Count - added, null);
    }

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
