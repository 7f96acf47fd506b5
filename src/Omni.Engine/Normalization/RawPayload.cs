namespace Omni.Engine.Normalization;

/// <summary>An archived webhook body and what ingest knew about it when it arrived.</summary>
public sealed record RawPayload(
    string Provider,
    string Instance,
    string IngestId,
    string BlobName,
    DateTimeOffset ReceivedAt,
    string? ContentType,
    ReadOnlyMemory<byte> Body)
{
    /// <summary>
    /// The provider's own id of this delivery when it sends one in a header and the verifier vouched for it (Standard
    /// Webhooks' signed <c>webhook-id</c>): kept with the archived body, the same on every redelivery. Null otherwise.
    /// </summary>
    public string? DeliveryId { get; init; }
}
