using System.Text.Json;
using Omni.TestSupport;
using Xunit.Sdk;

namespace Omni.Engine.Tests.Normalization;

/// <summary>The comparison the fixture tests rely on must itself fail when it should.</summary>
public class EventExpectationsTests
{
    private static JsonElement Json(string text) => JsonSerializer.Deserialize<JsonElement>(text);

    private static JsonElement Expectation(string eventJson) =>
        Json($$"""{ "quarantine": null, "events": [ {{eventJson}} ] }""");

    [Fact]
    public void AssertMatches_NullExpectedAndAbsentActual_Pass()
    {
        EventExpectations.AssertMatches(
            Expectation("""{ "event_kind": "message", "provider_event_id": "A", "text": null, "media_size_bytes": 19 }"""),
            null,
            Json("""[ { "event_kind": "message", "provider_event_id": "A", "media_size_bytes": 19.0 } ]"""),
            "test");
    }

    [Theory]
    [InlineData("""{ "event_kind": "message", "provider_event_id": "A", "text": "other" }""")]
    [InlineData("""{ "event_kind": "message", "provider_event_id": "A", "text": null }""")]
    [InlineData("""{ "event_kind": "message", "provider_event_id": "B", "text": "hi" }""")]
    [InlineData("""{ "event_kind": "message", "provider_event_id": "A", "text": "hi", "from_me": true }""")]
    [InlineData("""{ "event_kind": "message", "provider_event_id": "A", "text": "hi", "occurred_at": "2025-06-26T18:39:51Z" }""")]
    public void AssertMatches_AnyDifference_Fails(string expectedEvent)
    {
        var actual = Json("""[ { "event_kind": "message", "provider_event_id": "A", "text": "hi", "from_me": false, "occurred_at": "2025-06-26T18:39:51.000Z" } ]""");

        Assert.ThrowsAny<XunitException>(() =>
            EventExpectations.AssertMatches(Expectation(expectedEvent), null, actual, "test"));
    }

    [Fact]
    public void AssertMatches_ExtraActualEvent_FailsUnlessAllowed()
    {
        var expectation = Expectation("""{ "event_kind": "message", "provider_event_id": "A" }""");
        var actual = Json("""[ { "event_kind": "message", "provider_event_id": "A" }, { "event_kind": "receipt", "provider_event_id": "A:read" } ]""");

        Assert.ThrowsAny<XunitException>(() => EventExpectations.AssertMatches(expectation, null, actual, "test"));
        EventExpectations.AssertMatches(expectation, null, actual, "test", allowExtraActualEvents: true);
    }

    [Fact]
    public void AssertMatches_UnexpectedQuarantine_Fails()
    {
        Assert.ThrowsAny<XunitException>(() =>
            EventExpectations.AssertMatches(Json("""{ "quarantine": null, "events": [] }"""), "body is not valid JSON", Json("[]"), "test"));
    }

    [Fact]
    public void AssertMatches_ExpectedQuarantineContained_Pass()
    {
        EventExpectations.AssertMatches(
            Json("""{ "quarantine": "not valid JSON", "events": [] }"""), "body is not valid JSON: x", Json("[]"), "test");
    }
}
