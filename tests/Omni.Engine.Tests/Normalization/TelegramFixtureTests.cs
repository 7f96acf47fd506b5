using Omni.Engine.Events;
using Omni.TestSupport;
using static Omni.Engine.Tests.Normalization.TelegramTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>
/// Every Telegram payload in tests/TestData/providers/telegram against its expectation file in
/// tests/TestData/expectations/telegram. Fixtures named <c>message-*</c> are bare Message objects, wrapped in an
/// Update first (<see cref="TelegramTestPayloads.FixtureBody"/>).
/// </summary>
public class TelegramFixtureTests
{
    public static TheoryData<string> Fixtures() => [.. EventExpectations.FixtureNames(Provider)];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Normalize_Fixture_MatchesExpectationFile(string fixtureName)
    {
        var result = NormalizeFixture(fixtureName);

        EventExpectations.AssertMatches(
            EventExpectations.ReadExpectation(Provider, fixtureName),
            result.QuarantineReason,
            Serialize(result.Events),
            $"{Provider}/{fixtureName}");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Normalize_Fixture_OneEventPerUpdateWithProvenanceAndDeterministicId(string fixtureName)
    {
        var first = NormalizeFixture(fixtureName);
        var again = NormalizeFixture(fixtureName);

        var evt = Assert.Single(first.Events);
        Assert.Equal(evt.EventId, Assert.Single(again.Events).EventId);
        Assert.Equal(Instance, evt.Instance);
        Assert.Equal("telegram", evt.Provider);
        Assert.Equal(Channels.Telegram, evt.Channel);
        Assert.Equal(BlobName, evt.RawBlob);
        Assert.Equal(ReceivedAt, evt.ReceivedAt);
        Assert.Equal(EventKey.ComputeEventId("telegram", Instance, evt.ProviderEventId, evt.EventKind), evt.EventId);
        Assert.Contains(evt.EventKind, EventKinds.All);
        Assert.Contains(evt.ContentType, ContentTypes.All);
        Assert.Equal(JsonValueKindNumber, Metadata(evt, "update_id").ValueKind);
    }

    [Fact]
    public void ExpectationFiles_EveryFixtureHasOne_AndNoneIsOrphaned() =>
        EventExpectations.AssertEveryFixtureHasAnExpectation(Provider, 24);

    private const System.Text.Json.JsonValueKind JsonValueKindNumber = System.Text.Json.JsonValueKind.Number;
}
