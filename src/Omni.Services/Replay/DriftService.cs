using System.Globalization;
using Omni.Engine.Normalization;
using Omni.Services.Events;
using Omni.Services.Ingest;
using Omni.Services.Normalize;

namespace Omni.Services.Replay;

/// <summary>
/// The drift check: re-normalizes a window's archived payloads with the current normalizer, in memory, and compares
/// each event it makes with the stored event of the same id (<see cref="NormalizationDrift"/>). Reads only: the archive
/// (one blob read per payload) and the events (one point read per event); it writes nothing, enqueues nothing and starts
/// no workflow. At most <see cref="MaxPayloads"/> payloads per call: a longer window answers <c>complete: false</c> and the
/// <c>next_from</c> to continue from.
/// </summary>
public sealed class DriftService(RawArchive archive, NormalizerRegistry normalizers, EventStore events)
{
    /// <summary>The most archived payloads one call re-normalizes (the bound on its cost: a blob read each, a point read per event).</summary>
    public const int MaxPayloads = 1000;

    public async Task<DriftReport> CheckAsync(string provider, string instance, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var normalizer = normalizers.Find(provider) ?? throw new InvalidOperationException($"no normalizer for provider '{provider}'");
        var tally = new DriftTally();
        var versions = new SortedDictionary<int, int>();
        var quarantined = new List<string>();
        int payloads = 0, quarantinedCount = 0, compared = 0, differing = 0;
        DateTimeOffset? nextFrom = null;
        await foreach (var entry in archive.ListAsync(provider, instance, from, to, cancellationToken))
        {
            if (payloads == MaxPayloads)
            {
                nextFrom = entry.ReceivedAt;
                break;
            }

            payloads++;
            if (await archive.GetAsync(entry.BlobName, cancellationToken) is not { } archived)
            {
                continue; // deleted by retention between the listing and the read
            }

            var payload = new RawPayload(provider, instance, entry.IngestId, entry.BlobName, entry.ReceivedAt, archived.ContentType, archived.Content.ToMemory())
            {
                DeliveryId = archived.Metadata.TryGetValue(RawArchive.DeliveryIdKey, out var deliveryId) ? deliveryId : null,
            };
            NormalizationResult result;
            try
            {
                result = normalizer.Normalize(payload);
            }
#pragma warning disable CA1031 // A normalizer bug on one payload is reported like a quarantine, not a failed check.
            catch (Exception)
#pragma warning restore CA1031
            {
                result = NormalizationResult.Quarantine("normalizer failed");
            }

            if (result.IsQuarantined)
            {
                quarantinedCount++;
                if (quarantined.Count < DriftTally.MaxSamples)
                {
                    quarantined.Add(entry.IngestId);
                }

                continue;
            }

            foreach (var fresh in result.Events)
            {
                var stored = await events.GetAsync(fresh.EventId, cancellationToken);
                if (stored is null)
                {
                    tally.AddNotStored(provider, fresh.Shape, fresh.EventId);
                    continue;
                }

                var version = stored.NormalizerVersion ?? 0;
                versions[version] = versions.GetValueOrDefault(version) + 1;
                var changes = NormalizationDrift.Compare(stored, fresh);
                compared++;
                differing += changes.Count > 0 ? 1 : 0;
                tally.Add(provider, stored.Shape ?? fresh.Shape, fresh.EventId, changes);
            }
        }

        return new DriftReport(
            instance, provider, from, to, normalizer.Version, payloads, compared, differing, quarantinedCount, quarantined,
            versions.ToDictionary(v => v.Key.ToString(CultureInfo.InvariantCulture), v => v.Value, StringComparer.Ordinal),
            nextFrom is null, nextFrom, MaxPayloads, tally.Shapes);
    }
}

/// <summary>What a drift check found (served snake_case by <c>POST /api/replay/drift</c>).</summary>
public sealed record DriftReport(
    string Instance,
    string Provider,
    DateTimeOffset From,
    DateTimeOffset To,
    int NormalizerVersion,
    int PayloadsRead,
    int EventsCompared,
    int EventsDiffering,
    int PayloadsQuarantined,
    IReadOnlyList<string> QuarantinedSampleIngestIds,
    IReadOnlyDictionary<string, int> StoredNormalizerVersions,
    bool Complete,
    DateTimeOffset? NextFrom,
    int MaxPayloads,
    IReadOnlyList<ShapeDrift> Shapes);
