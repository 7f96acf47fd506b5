using System.Text;
using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Engine.Normalization;
using Omni.Engine.Normalization.Evolution;

namespace Omni.Engine.Tests.Normalization;

/// <summary>Builds Evolution webhook bodies for tests and runs them through the normalizer.</summary>
internal static class EvolutionTestPayloads
{
    public const string Instance = "demo";
    public const string BlobName = "evolution/demo/2025/06/26/ingest-1.json";
    public const string OwnerJid = "5511999990000@s.whatsapp.net";
    public static readonly DateTimeOffset ReceivedAt = new(2025, 6, 26, 18, 40, 0, TimeSpan.Zero);

    public static RawPayload Payload(byte[] body) =>
        new("evolution", Instance, "ingest-1", BlobName, ReceivedAt, "application/json", body);

    public static RawPayload Payload(string body) => Payload(Encoding.UTF8.GetBytes(body));

    public static NormalizationResult Normalize(string body) => new EvolutionNormalizer().Normalize(Payload(body));

    /// <summary>An Evolution v2 envelope around <paramref name="dataJson"/>, like the ones Evolution posts.</summary>
    public static string Envelope(string eventName, string dataJson, string? sender = OwnerJid, string dateTime = "2025-06-26T15:39:50.777Z") =>
        $$"""
        {
          "event": "{{eventName}}",
          "instance": "evolution-name-not-used",
          "data": {{dataJson}},
          "destination": "https://omni.example/webhook/evolution/demo",
          "date_time": "{{dateTime}}",
          {{(sender is null ? string.Empty : $"\"sender\": \"{sender}\",")}}
          "server_url": "http://localhost:8080",
          "apikey": "00000000-0000-0000-0000-000000000000"
        }
        """;

    /// <summary>Normalizes and returns the events, failing if the payload was quarantined.</summary>
    public static IReadOnlyList<OmniEvent> NormalizeAll(string body)
    {
        var result = Normalize(body);
        Assert.False(result.IsQuarantined, $"unexpected quarantine: {result.QuarantineReason}");
        return result.Events;
    }

    /// <summary>Normalizes and returns the only event.</summary>
    public static OmniEvent Single(string body) => Assert.Single(NormalizeAll(body));

    public static OmniEvent Single(string eventName, string dataJson, string? sender = OwnerJid) =>
        Single(Envelope(eventName, dataJson, sender));

    /// <summary>The events as the API serializes them (snake_case, OmniJson).</summary>
    public static JsonElement Serialize(IReadOnlyList<OmniEvent> events) =>
        JsonSerializer.SerializeToElement(events, OmniJson.Options);

    /// <summary>The id the idempotency contract gives an Evolution event on the test instance.</summary>
    public static string ExpectedEventId(string providerEventId, string eventKind) =>
        EventKey.ComputeEventId("evolution", Instance, providerEventId, eventKind);

    /// <summary>A received message: v2 shape with key, pushName, message, messageType and messageTimestamp.</summary>
    public static string Message(string messageJson, string id = "3EB0AAAA0000000000000001", string remoteJid = "5511988887777@s.whatsapp.net",
        bool fromMe = false, string? participant = null, long timestamp = 1750963191, string pushName = "Maria") =>
        $$"""
        {
          "key": {
            "remoteJid": "{{remoteJid}}",
            "fromMe": {{(fromMe ? "true" : "false")}},
            "id": "{{id}}"{{(participant is null ? string.Empty : $",\n    \"participant\": \"{participant}\"")}}
          },
          "pushName": "{{pushName}}",
          "status": "DELIVERY_ACK",
          "message": {{messageJson}},
          "messageType": "unused",
          "messageTimestamp": {{timestamp}},
          "instanceId": "05e1aaad-c61a-4cc7-bf95-05354ad0cc13",
          "source": "android"
        }
        """;

    public static OmniEvent Upsert(string messageJson) =>
        Single(Envelope("messages.upsert", Message(messageJson)));
}
