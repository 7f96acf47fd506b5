using System.Text;
using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Engine.Normalization;
using Omni.Engine.Normalization.Telegram;
using Omni.TestSupport;

namespace Omni.Engine.Tests.Normalization;

/// <summary>Builds Telegram Updates for tests and runs them through the normalizer as a host configures it.</summary>
internal static class TelegramTestPayloads
{
    public const string Provider = "telegram";
    public const string Instance = "demo-telegram";
    public const string BlobName = "telegram/demo-telegram/2026/01/02/ingest-1.json";

    /// <summary>The demo bot: its token's numeric prefix is its user id.</summary>
    public const string BotToken = "7000000001:AAHtestTOKENtestTOKENtestTOKEN";
    public const string BotUserId = "7000000001";
    public static readonly DateTimeOffset ReceivedAt = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static RawPayload Payload(byte[] body) =>
        new(Provider, Instance, "ingest-1", BlobName, ReceivedAt, "application/json", body);

    public static TelegramNormalizer Normalizer() =>
        new(instance => instance == Instance ? TelegramNormalizer.BotIdFromToken(BotToken) : null);

    public static NormalizationResult Normalize(string body) => Normalizer().Normalize(Payload(Encoding.UTF8.GetBytes(body)));

    public static OmniEvent Single(string body)
    {
        var result = Normalize(body);
        Assert.False(result.IsQuarantined, $"unexpected quarantine: {result.QuarantineReason}");
        return Assert.Single(result.Events);
    }

    /// <summary>An Update of <paramref name="type"/> carrying <paramref name="objectJson"/>.</summary>
    public static string Update(string type, string objectJson, long updateId = 500) =>
        $$"""{"update_id":{{updateId}},"{{type}}":{{objectJson}}}""";

    /// <summary>A message object; <paramref name="extra"/> is spliced in as more properties.</summary>
    public static string Message(
        string extra = "\"text\":\"hello\"", long messageId = 42, long chatId = 1111111, string chatType = "private",
        long? fromId = 1111111, string fromName = "Ana") =>
        "{\"message_id\":" + messageId + ",\"date\":1767225600," +
        (fromId is null ? "" : "\"from\":{\"id\":" + fromId + ",\"is_bot\":false,\"first_name\":\"" + fromName + "\"},") +
        "\"chat\":{\"id\":" + chatId + ",\"type\":\"" + chatType + "\"" + (chatType == "private" ? "" : ",\"title\":\"Team\"") + "}," +
        extra + "}";

    /// <summary>
    /// A fixture as the normalizer receives it: files named <c>message-*</c> are bare Message objects (the source shows
    /// the object, not the Update) and are wrapped in <c>{"update_id": 1, "message": ...}</c>.
    /// </summary>
    public static byte[] FixtureBody(string fixtureName)
    {
        var bytes = EventExpectations.ReadFixture(Provider, fixtureName);
        return fixtureName.StartsWith("message-", StringComparison.Ordinal)
            ? Encoding.UTF8.GetBytes(Update("message", Encoding.UTF8.GetString(bytes).Trim(), updateId: 1))
            : bytes;
    }

    public static NormalizationResult NormalizeFixture(string fixtureName) => Normalizer().Normalize(Payload(FixtureBody(fixtureName)));

    public static OmniEvent SingleFixture(string fixtureName)
    {
        var result = NormalizeFixture(fixtureName);
        Assert.False(result.IsQuarantined, $"unexpected quarantine: {result.QuarantineReason}");
        return Assert.Single(result.Events);
    }

    public static JsonElement Serialize(IReadOnlyList<OmniEvent> events) =>
        JsonSerializer.SerializeToElement(events, OmniJson.Options);

    public static JsonElement Metadata(OmniEvent evt, string name)
    {
        Assert.True(evt.ProviderMetadata is { ValueKind: JsonValueKind.Object }, "the event has no provider_metadata object");
        return evt.ProviderMetadata!.Value.TryGetProperty(name, out var value) ? value : default;
    }
}
