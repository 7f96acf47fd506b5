namespace Omni.Engine.Normalization;

/// <summary>An archived webhook body and what ingest knew about it when it arrived.</summary>
public sealed record RawPayload(
    string Provider,
    string Instance,
    string IngestId,
    string BlobName,
    DateTimeOffset ReceivedAt,
    string? ContentType,
    ReadOnlyMemory<byte> Body);
