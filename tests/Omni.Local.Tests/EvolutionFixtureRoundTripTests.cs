using System.Text.Json;
using Omni.Local.Tests.Support;
using Omni.TestSupport;

namespace Omni.Local.Tests;

/// <summary>
/// Acceptance: every real Evolution capture posts with 202 to the running host and reads back through
/// <c>GET /api/events</c> with the field values its expectation file names (the same oracle the normalizer's own
/// tests use), plus the fields only the pipeline knows: instance, raw blob, received time, and the raw bytes.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class EvolutionFixtureRoundTripTests(AzuriteFixture azurite)
{
    private const string Provider = "evolution";

    public static TheoryData<string> FixtureFiles() => [.. EventExpectations.FixtureNames(Provider)];

    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public async Task PostFixture_ReadsBackThroughEventsApiWithExpectedFields(string fixture)
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var body = EventExpectations.ReadFixture(Provider, fixture);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var ingestId = await host.IngestAsync(body);
        Assert.Equal(1, await host.Consumer.DrainOnceAsync(CancellationToken.None));

        var listed = await host.ListEventsAsync();
        var deadLetters = await host.ListDeadLettersAsync();
        var quarantine = deadLetters.Count == 0 ? null : deadLetters[0].GetProperty("reason").GetString();
        EventExpectations.AssertMatches(
            EventExpectations.ReadExpectation(Provider, fixture), quarantine,
            JsonSerializer.SerializeToElement(listed), $"{Provider}/{fixture} via HTTP");

        foreach (var e in listed)
        {
            Assert.Equal("demo", e.GetProperty("instance").GetString());
            Assert.Equal("evolution", e.GetProperty("provider").GetString());
            Assert.Equal("whatsapp", e.GetProperty("channel").GetString());
            Assert.EndsWith("/" + ingestId, e.GetProperty("raw_blob").GetString(), StringComparison.Ordinal);
            var receivedAt = e.GetProperty("received_at").GetDateTimeOffset();
            Assert.InRange(receivedAt, before, DateTimeOffset.UtcNow.AddSeconds(1));
            Assert.Matches(@"Z$", e.GetProperty("received_at").GetString());

            // The same event by id, and the archived bytes exactly as posted.
            var id = e.GetProperty("event_id").GetString()!;
            var single = await host.GetJsonAsync($"/api/events/{id}");
            Assert.Equal(e.GetRawText(), single.GetRawText());
            using var raw = await host.Client.GetAsync($"/api/events/{id}/raw");
            Assert.Equal(body, await raw.Content.ReadAsByteArrayAsync());
        }
    }
}
