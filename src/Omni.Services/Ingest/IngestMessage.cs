using System.Text.Json;
using Omni.Engine.Json;

namespace Omni.Services.Ingest;

/// <summary>
/// The claim-check queue message: ids and the blob name, never the payload. The same shape travels from the
/// HTTP ingest function, from replay, and into the normalizer on both hosts.
/// </summary>
public sealed record IngestMessage(
    string IngestId,
    string Provider,
    string Instance,
    string BlobName,
    DateTimeOffset ReceivedAt,
    bool Replay = false)
{
    public string ToJson() => JsonSerializer.Serialize(this, OmniJson.Options);

    /// <summary>Parses a queue message; null when it is not one of ours (it is then dead-lettered, not retried).</summary>
    public static IngestMessage? TryParse(string text)
    {
        try
        {
            var message = JsonSerializer.Deserialize<IngestMessage>(text, OmniJson.Options);
            return message is { IngestId.Length: > 0, Provider.Length: > 0, Instance.Length: > 0, BlobName.Length: > 0 } ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
