using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Engine.Normalization.Evolution;
using Omni.TestSupport;
using static Omni.Engine.Tests.Normalization.EvolutionTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>
/// Every real Evolution capture in tests/TestData/providers/evolution against its expectation file in
/// tests/TestData/expectations/evolution (written by reading the capture, not by running the normalizer).
/// </summary>
public class EvolutionFixtureTests
{
    private const string Provider = "evolution";

    public static TheoryData<string> Fixtures() => [.. EventExpectations.FixtureNames(Provider)];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Normalize_Fixture_MatchesExpectationFile(string fixtureName)
    {
        var result = new EvolutionNormalizer().Normalize(Payload(EventExpectations.ReadFixture(Provider, fixtureName)));

        EventExpectations.AssertMatches(
            EventExpectations.ReadExpectation(Provider, fixtureName),
            result.QuarantineReason,
            Serialize(result.Events),
            $"{Provider}/{fixtureName}");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Normalize_Fixture_EveryEventCarriesProvenanceAndDeterministicId(string fixtureName)
    {
        var result = new EvolutionNormalizer().Normalize(Payload(EventExpectations.ReadFixture(Provider, fixtureName)));

        Assert.NotEmpty(result.Events);
        foreach (var evt in result.Events)
        {
            Assert.Equal("demo", evt.Instance);
            Assert.Equal("evolution", evt.Provider);
            Assert.Equal("whatsapp", evt.Channel);
            Assert.Equal(BlobName, evt.RawBlob);
            Assert.Equal(ReceivedAt, evt.ReceivedAt);
            Assert.Equal(EventKey.ComputeEventId("evolution", "demo", evt.ProviderEventId, evt.EventKind), evt.EventId);
            Assert.Contains(evt.EventKind, EventKinds.All);
            Assert.Contains(evt.ContentType, ContentTypes.All);
            Assert.NotNull(evt.ProviderMetadata);
        }
    }

    [Fact]
    public void ExpectationFiles_EveryFixtureHasOne_AndNoneIsOrphaned() =>
        EventExpectations.AssertEveryFixtureHasAnExpectation(Provider, 21);

    [Fact]
    public void Serialization_OccurredAt_UsesTheExpectationTimeFormat()
    {
        var evt = Single(Envelope("messages.upsert", Message("""{ "conversation": "hi" }""", timestamp: 1750963191)));

        var json = System.Text.Json.JsonSerializer.SerializeToElement(evt, OmniJson.Options);

        Assert.Equal("2025-06-26T18:39:51.000Z", json.GetProperty("occurred_at").GetString());
        Assert.Equal("messages.upsert/conversation", json.GetProperty("shape").GetString());
    }
}
