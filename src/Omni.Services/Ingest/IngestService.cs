using Omni.Services.Storage;
using Omni.Services.Telemetry;

namespace Omni.Services.Ingest;

/// <summary>
/// Accepts an authenticated webhook body: archive it unchanged, then enqueue a claim check. Only when both are
/// done does the caller get its 202, so nothing acknowledged is ever lost.
/// </summary>
public sealed class IngestService(OmniStorage storage, RawArchive archive, TimeProvider time)
{
    /// <param name="deliveryId">The provider's signed id of the delivery, archived with it (<see cref="RawArchive.DeliveryIdKey"/>).</param>
    public async Task<IngestMessage> AcceptAsync(
        string provider, string instance, BinaryData body, string? contentType, CancellationToken cancellationToken, string? deliveryId = null)
    {
        var receivedAt = time.GetUtcNow();
        // Version 7 GUIDs sort by time, so ingest ids (and blob names within an hour) list in arrival order.
        var ingestId = Guid.CreateVersion7(receivedAt).ToString("N");
        var blobName = RawArchive.BlobNameFor(provider, instance, receivedAt, ingestId);
        var message = new IngestMessage(ingestId, provider, instance, blobName, receivedAt);
        OmniTelemetry.TagIngestId(ingestId);

        await archive.PutAsync(blobName, body, contentType, message, cancellationToken, deliveryId);
        await storage.IngestQueue.SendMessageAsync(message.ToJson(), cancellationToken);
        return message;
    }
}
