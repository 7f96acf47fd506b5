using Omni.Services.Ingest;
using Omni.Services.Storage;

namespace Omni.Services.Replay;

/// <summary>
/// Re-drives archived payloads through the normalizer by enqueueing their claim checks again. Event ids are
/// derived from the provider's ids, so a replay adds only what is missing and never duplicates.
/// </summary>
public sealed class ReplayService(OmniStorage storage, RawArchive archive)
{
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(31);

    public async Task<int> ReplayAsync(string provider, string instance, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var entry in archive.ListAsync(provider, instance, from, to, cancellationToken))
        {
            var message = new IngestMessage(entry.IngestId, provider, instance, entry.BlobName, entry.ReceivedAt, Replay: true);
            await storage.IngestQueue.SendMessageAsync(message.ToJson(), cancellationToken);
            count++;
        }

        return count;
    }
}
