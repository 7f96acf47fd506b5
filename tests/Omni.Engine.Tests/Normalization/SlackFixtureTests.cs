using System.Text.Json;
using Omni.Engine.Events;
using Omni.TestSupport;
using static Omni.Engine.Tests.Normalization.SlackTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>Every Slack payload in tests/TestData/providers/slack against its expectation file in tests/TestData/expectations/slack.</summary>
public class SlackFixtureTests
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
    public void Normalize_Fixture_OneEventWithProvenance_NoVerificationToken(string fixtureName)
    {
        var evt = Assert.Single(NormalizeFixture(fixtureName).Events);

        Assert.Equal(evt.EventId, Assert.Single(NormalizeFixture(fixtureName).Events).EventId);
        Assert.Equal("slack", evt.Provider);
        Assert.Equal(Channels.Slack, evt.Channel);
        Assert.Equal(BlobName, evt.RawBlob);
        Assert.Equal(EventKey.ComputeEventId("slack", Instance, evt.ProviderEventId, evt.EventKind), evt.EventId);
        Assert.Contains(evt.EventKind, EventKinds.All);
        Assert.Contains(evt.ContentType, ContentTypes.All);
        Assert.Equal(JsonValueKind.Undefined, Metadata(evt, "token").ValueKind);
    }

    [Fact]
    public void ExpectationFiles_EveryFixtureHasOne_AndNoneIsOrphaned() =>
        EventExpectations.AssertEveryFixtureHasAnExpectation(Provider, 16);
}
