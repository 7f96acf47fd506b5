using System.Text;
using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Engine.Normalization;
using Omni.Engine.Normalization.Slack;
using Omni.TestSupport;

namespace Omni.Engine.Tests.Normalization;

/// <summary>Builds Slack Events API envelopes for tests and runs them through the normalizer.</summary>
internal static class SlackTestPayloads
{
    public const string Provider = "slack";
    public const string Instance = "demo-slack";
    public const string BlobName = "slack/demo-slack/2026/01/02/ingest-1.json";
    public const string AppId = "A0442TUPHGR";
    public const string BotUserId = "U0442US8QGH";
    public static readonly DateTimeOffset ReceivedAt = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static RawPayload Payload(byte[] body) =>
        new(Provider, Instance, "ingest-1", BlobName, ReceivedAt, "application/json", body);

    public static SlackNormalizer Normalizer() => new();

    public static NormalizationResult Normalize(string body) => Normalizer().Normalize(Payload(Encoding.UTF8.GetBytes(body)));

    public static OmniEvent Single(string body)
    {
        var result = Normalize(body);
        Assert.False(result.IsQuarantined, $"unexpected quarantine: {result.QuarantineReason}");
        return Assert.Single(result.Events);
    }

    /// <summary>An <c>event_callback</c> envelope around <paramref name="eventJson"/>, authorized as our bot.</summary>
    public static string Callback(string eventJson, string eventId = "Ev0TEST0001") =>
        $$"""{"token":"verification-token","team_id":"T043DB835ML","api_app_id":"{{AppId}}","event":{{eventJson}},"type":"event_callback","event_id":"{{eventId}}","event_time":1767225600,"authorizations":[{"enterprise_id":null,"team_id":"T043DB835ML","user_id":"{{BotUserId}}","is_bot":true,"is_enterprise_install":false}]}""";

    public static NormalizationResult NormalizeFixture(string fixtureName) =>
        Normalizer().Normalize(Payload(EventExpectations.ReadFixture(Provider, fixtureName)));

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
