using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Omni.Engine.Json;
using Omni.Services.Storage;

namespace Omni.Services.Ingest;

/// <summary>
/// The raw archive: every accepted webhook body, unchanged, at <c>{provider}/{instance}/yyyy/MM/dd/HH/{ingest_id}</c>
/// with received-at and content-type metadata (never headers, never secrets).
/// </summary>
public sealed class RawArchive(OmniStorage storage)
{
    private readonly BlobContainerClient _container = storage.RawArchive;

    public static string BlobNameFor(string provider, string instance, DateTimeOffset receivedAt, string ingestId) =>
        string.Create(CultureInfo.InvariantCulture, $"{provider}/{instance}/{receivedAt.UtcDateTime:yyyy'/'MM'/'dd'/'HH}/{ingestId}");

    /// <summary>Blob metadata holding the provider's signed delivery id (printable ASCII, at most 256 characters), when there is one.</summary>
    public const string DeliveryIdKey = "delivery_id";

    public async Task PutAsync(string blobName, BinaryData body, string? contentType, IngestMessage message, CancellationToken cancellationToken,
        string? deliveryId = null)
    {
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType ?? "application/octet-stream" },
            Metadata = new Dictionary<string, string>
            {
                ["ingest_id"] = message.IngestId,
                ["provider"] = message.Provider,
                ["instance"] = message.Instance,
                ["received_at"] = OmniJson.FormatTime(message.ReceivedAt),
            },
            // Never overwrite: an ingest id is written once.
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        };
        if (deliveryId is { Length: > 0 and <= 256 } && deliveryId.All(c => c is >= '!' and <= '~'))
        {
            options.Metadata[DeliveryIdKey] = deliveryId;
        }

        await _container.GetBlobClient(blobName).UploadAsync(body, options, cancellationToken);
    }

    /// <summary>The archived bytes and content type, or null when no such blob exists.</summary>
    public async Task<ArchivedPayload?> GetAsync(string blobName, CancellationToken cancellationToken)
    {
        try
        {
            // Streamed into one array of the blob's length: DownloadContentAsync would buffer the response in a growing
            // MemoryStream first and copy it out.
            using var result = (await _container.GetBlobClient(blobName).DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
            var details = result.Details;
            var content = details.ContentLength is >= 0 and var length && length <= Array.MaxLength
                ? await ReadExactlyAsync(result.Content, (int)length, cancellationToken)
                : await BinaryData.FromStreamAsync(result.Content, cancellationToken);
            return new ArchivedPayload(blobName, content, details.ContentType, details.Metadata);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private static async Task<BinaryData> ReadExactlyAsync(Stream content, int length, CancellationToken cancellationToken)
    {
        var bytes = new byte[length];
        await content.ReadExactlyAsync(bytes, cancellationToken);
        return new BinaryData(bytes);
    }

    /// <summary>The archived payloads of one instance received in [from, to), oldest first, read hour folder by hour folder.</summary>
    public async IAsyncEnumerable<ArchivedEntry> ListAsync(
        string provider, string instance, DateTimeOffset from, DateTimeOffset to,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var hour = new DateTimeOffset(from.UtcDateTime.Date.AddHours(from.UtcDateTime.Hour), TimeSpan.Zero);
        for (; hour < to; hour = hour.AddHours(1))
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"{provider}/{instance}/{hour.UtcDateTime:yyyy'/'MM'/'dd'/'HH}/");
            var entries = new List<ArchivedEntry>();
            await foreach (var item in _container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix, cancellationToken))
            {
                var receivedAt = item.Metadata.TryGetValue("received_at", out var value) &&
                                 DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                    ? parsed
                    : item.Properties.CreatedOn ?? hour;
                if (receivedAt >= from && receivedAt < to)
                {
                    entries.Add(new ArchivedEntry(item.Name, item.Name[(item.Name.LastIndexOf('/') + 1)..], receivedAt));
                }
            }

            foreach (var entry in entries.OrderBy(e => e.ReceivedAt))
            {
                yield return entry;
            }
        }
    }
}

public sealed record ArchivedPayload(string BlobName, BinaryData Content, string? ContentType, IDictionary<string, string> Metadata);

public sealed record ArchivedEntry(string BlobName, string IngestId, DateTimeOffset ReceivedAt);
