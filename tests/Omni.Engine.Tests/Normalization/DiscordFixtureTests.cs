using Omni.Engine.Events;
using Omni.TestSupport;
using static Omni.Engine.Tests.Normalization.DiscordTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>
/// Every Discord payload in tests/TestData/providers/discord against its expectation file in
/// tests/TestData/expectations/discord. Fixtures named <c>*-d-*</c> are the bare <c>d</c> of a dispatch and are
/// wrapped in a gateway frame first (<see cref="DiscordTestPayloads.FixtureBody"/>).
/// </summary>
public class DiscordFixtureTests
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
    public void Normalize_Fixture_EveryEventCarriesProvenanceAndDeterministicId(string fixtureName)
    {
        var first = NormalizeFixture(fixtureName);
        var again = NormalizeFixture(fixtureName);

        Assert.NotEmpty(first.Events);
        Assert.Equal(first.Events.Select(e => e.EventId), again.Events.Select(e => e.EventId));
        foreach (var evt in first.Events)
        {
            Assert.Equal(Instance, evt.Instance);
            Assert.Equal("discord", evt.Provider);
            Assert.Equal(Channels.Discord, evt.Channel);
            Assert.Equal(BlobName, evt.RawBlob);
            Assert.Equal(ReceivedAt, evt.ReceivedAt);
            Assert.Equal(EventKey.ComputeEventId("discord", Instance, evt.ProviderEventId, evt.EventKind), evt.EventId);
            Assert.Contains(evt.EventKind, EventKinds.All);
            Assert.Contains(evt.ContentType, ContentTypes.All);
            Assert.NotNull(evt.ProviderMetadata);
            Assert.False(HasMetadata(evt, "token"), "an interaction token must never reach provider_metadata");
        }
    }

    [Fact]
    public void ExpectationFiles_EveryFixtureHasOne_AndNoneIsOrphaned() =>
        EventExpectations.AssertEveryFixtureHasAnExpectation(Provider, 24);

    [Fact]
    public void FixtureBody_BareDispatchData_IsWrappedInAFrameNamedAfterTheFile()
    {
        var evt = SingleFixture("message-update-d-edit.json");

        Assert.Equal("MESSAGE_UPDATE", evt.ProviderEventType);
        Assert.Equal("gateway", Metadata(evt, "delivery").GetString());
    }
}
