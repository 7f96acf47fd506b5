using System.Text;
using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Engine.Normalization;
using Omni.Engine.Normalization.Discord;
using Omni.TestSupport;

namespace Omni.Engine.Tests.Normalization;

/// <summary>Builds Discord bodies (gateway frames, interactions, Webhook Events) for tests and runs them through the normalizer.</summary>
internal static class DiscordTestPayloads
{
    public const string Provider = "discord";
    public const string Instance = "demo";
    public const string BlobName = "discord/demo/2026/01/02/ingest-1.json";
    public const string BotUserId = "900000000000000001";
    public static readonly DateTimeOffset ReceivedAt = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static RawPayload Payload(byte[] body) =>
        new(Provider, Instance, "ingest-1", BlobName, ReceivedAt, "application/json", body);

    public static RawPayload Payload(string body) => Payload(Encoding.UTF8.GetBytes(body));

    /// <summary>The normalizer as a host configures it: the demo instance's bot is <see cref="BotUserId"/>.</summary>
    public static DiscordNormalizer Normalizer() =>
        new(instance => instance == Instance ? BotUserId : null);

    public static NormalizationResult Normalize(string body) => Normalizer().Normalize(Payload(body));

    /// <summary>A gateway dispatch frame as the relay forwards it.</summary>
    public static string Frame(string eventName, string dataJson, long sequence = 42) =>
        $$"""{"op":0,"t":"{{eventName}}","s":{{sequence}},"d":{{dataJson}}}""";

    /// <summary>Normalizes and returns the events, failing if the payload was quarantined.</summary>
    public static IReadOnlyList<OmniEvent> NormalizeAll(string body)
    {
        var result = Normalize(body);
        Assert.False(result.IsQuarantined, $"unexpected quarantine: {result.QuarantineReason}");
        return result.Events;
    }

    public static OmniEvent Single(string body) => Assert.Single(NormalizeAll(body));

    public static OmniEvent Dispatch(string eventName, string dataJson) => Single(Frame(eventName, dataJson));

    /// <summary>
    /// A fixture as the normalizer receives it. Files named <c>*-d-*</c> hold only the <c>d</c> of a dispatch (the source
    /// documents the object, not the frame): they are wrapped in a frame whose <c>t</c> is the name before <c>-d-</c>
    /// (<c>message-update-d-edit.json</c> → MESSAGE_UPDATE).
    /// </summary>
    public static byte[] FixtureBody(string fixtureName)
    {
        var bytes = EventExpectations.ReadFixture(Provider, fixtureName);
        var marker = fixtureName.IndexOf("-d-", StringComparison.Ordinal);
        if (marker < 0)
        {
            return bytes;
        }

        var eventName = fixtureName[..marker].Replace('-', '_').ToUpperInvariant();
        return Encoding.UTF8.GetBytes(Frame(eventName, Encoding.UTF8.GetString(bytes).Trim(), sequence: 1));
    }

    public static NormalizationResult NormalizeFixture(string fixtureName) => Normalizer().Normalize(Payload(FixtureBody(fixtureName)));

    public static OmniEvent SingleFixture(string fixtureName)
    {
        var result = NormalizeFixture(fixtureName);
        Assert.False(result.IsQuarantined, $"unexpected quarantine: {result.QuarantineReason}");
        return Assert.Single(result.Events);
    }

    /// <summary>The events as the API serializes them (snake_case, OmniJson).</summary>
    public static JsonElement Serialize(IReadOnlyList<OmniEvent> events) =>
        JsonSerializer.SerializeToElement(events, OmniJson.Options);

    /// <summary>One property of an event's provider_metadata.</summary>
    public static JsonElement Metadata(OmniEvent evt, string name)
    {
        Assert.True(evt.ProviderMetadata is { ValueKind: JsonValueKind.Object }, "the event has no provider_metadata object");
        return evt.ProviderMetadata!.Value.TryGetProperty(name, out var value) ? value : default;
    }

    public static bool HasMetadata(OmniEvent evt, string name) => Metadata(evt, name).ValueKind != JsonValueKind.Undefined;

    /// <summary>The id the idempotency contract gives a Discord event on the test instance.</summary>
    public static string ExpectedEventId(string providerEventId, string eventKind) =>
        EventKey.ComputeEventId(Provider, Instance, providerEventId, eventKind);
}
