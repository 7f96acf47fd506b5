using System.Text.Json;
using Omni.Local.Tests.Support;

namespace Omni.Local.Tests;

/// <summary>Idempotency, crash recovery, retries and poison handling of the ingest → normalize path, against Azurite.</summary>
[Collection(UsesAzurite.Name)]
public sealed class NormalizerReliabilityTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task SamePayloadPostedThreeTimesConcurrently_OneEvent()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var body = EvolutionPayloads.Text("3EB0DUPLICATE0001", "once only");

        var ingestIds = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => host.IngestAsync(body)));
        Assert.Equal(3, ingestIds.Distinct().Count()); // three deliveries, three archive entries

        // One receive takes all three claim checks and normalizes them in parallel: a real race on the insert.
        Assert.Equal(3, await host.Consumer.DrainOnceAsync(CancellationToken.None));

        var events = await host.ListEventsAsync();
        var single = Assert.Single(events);
        Assert.Equal("3EB0DUPLICATE0001", single.GetProperty("provider_message_id").GetString());
        Assert.Equal(0, (await host.Storage.IngestQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task SamePayloadPostedThreeTimes_BackgroundConsumer_OneEvent()
    {
        await using var host = await OmniHost.StartAsync(azurite);
        var body = EvolutionPayloads.Text("3EB0DUPLICATE0002", "once only");
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => host.IngestAsync(body)));

        await OmniHost.EventuallyAsync(async () => (await host.Storage.IngestQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount,
            n => n == 0, "the ingest queue to drain");
        Assert.Single(await host.ListEventsAsync());
    }

    [Fact]
    public async Task HostStoppedAfterArchivingBeforeNormalizing_EventAppearsAfterRestart()
    {
        var prefix = OmniHost.NewPrefix();
        var body = EvolutionPayloads.Text("3EB0CRASH00000001", "survives a crash");
        await using (var first = await OmniHost.StartAsync(azurite, prefix, consumer: false))
        {
            await first.IngestAsync(body);
            Assert.Empty(await first.ListEventsAsync());
        }

        await using var second = await OmniHost.StartAsync(azurite, prefix);
        var events = await OmniHost.EventuallyAsync(() => second.ListEventsAsync(), e => e.Count == 1, "the event after restart");
        Assert.Equal("survives a crash", events[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task ConsumerDiedHoldingTheMessage_MessageReappearsAndIsNormalizedOnce()
    {
        var prefix = OmniHost.NewPrefix();
        var body = EvolutionPayloads.Text("3EB0CRASH00000002", "dequeued then lost");
        await using (var first = await OmniHost.StartAsync(azurite, prefix, consumer: false))
        {
            await first.IngestAsync(body);
            // A consumer takes the message and dies before deleting it: it stays invisible for its timeout.
            var taken = await first.Storage.IngestQueue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(2));
            Assert.Single(taken.Value);
        }

        await using var second = await OmniHost.StartAsync(azurite, prefix);
        var events = await OmniHost.EventuallyAsync(() => second.ListEventsAsync(), e => e.Count == 1, "the event after the visibility timeout");
        Assert.Equal("3EB0CRASH00000002", events[0].GetProperty("provider_message_id").GetString());
    }

    [Fact]
    public async Task StorageFailsEveryDelivery_FifthFailureGoesToPoisonQueueAndDeadLetters()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var ingestId = await host.IngestAsync(EvolutionPayloads.Text("3EB0POISON0000001", "cannot be stored"));

        // A real storage failure: the events table is gone, so every write answers 404.
        await host.Storage.Events.DeleteAsync();
        for (var delivery = 1; delivery <= 5; delivery++)
        {
            Assert.Equal(1, await host.Consumer.DrainOnceAsync(CancellationToken.None));
            if (delivery < 5)
            {
                var stillQueued = await host.Storage.IngestQueue.PeekMessagesAsync(1);
                Assert.Single(stillQueued.Value); // retried, not dropped
            }
        }

        Assert.Empty((await host.Storage.IngestQueue.PeekMessagesAsync(1)).Value);
        var poisoned = Assert.Single((await host.Storage.IngestPoisonQueue.PeekMessagesAsync(10)).Value);
        Assert.Contains(ingestId, poisoned.MessageText, StringComparison.Ordinal);

        var letter = Assert.Single(await host.ListDeadLettersAsync());
        Assert.Equal("poison", letter.GetProperty("stage").GetString());
        Assert.Equal(5, letter.GetProperty("attempts").GetInt32());
        Assert.Contains("failed 5 deliveries", letter.GetProperty("reason").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_LostQueueMessage_EventRecoveredAndReplayingAgainAddsNothing()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var from = DateTimeOffset.UtcNow.AddMinutes(-1);
        await host.IngestAsync(EvolutionPayloads.Text("3EB0REPLAY0000001", "first"));
        await host.IngestAsync(EvolutionPayloads.Text("3EB0REPLAY0000002", "second"));
        await host.Consumer.DrainOnceAsync(CancellationToken.None);
        Assert.Equal(2, (await host.ListEventsAsync()).Count);

        // Lose the next claim check (as if the queue had been cleared), then replay the window.
        await host.IngestAsync(EvolutionPayloads.Text("3EB0REPLAY0000003", "third"));
        await host.Storage.IngestQueue.ClearMessagesAsync();
        var to = DateTimeOffset.UtcNow.AddMinutes(1);

        for (var round = 0; round < 2; round++)
        {
            using var response = await host.Client.PostAsync("/api/replay", new StringContent(
                JsonSerializer.Serialize(new { instance = "demo", from, to }), System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
            var answer = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
            Assert.Equal(3, answer.GetProperty("replayed").GetInt32());
            while (await host.Consumer.DrainOnceAsync(CancellationToken.None) > 0)
            {
            }

            var events = await host.ListEventsAsync();
            Assert.Equal(["3EB0REPLAY0000003", "3EB0REPLAY0000002", "3EB0REPLAY0000001"],
                events.Select(e => e.GetProperty("provider_message_id").GetString()).OrderDescending(StringComparer.Ordinal));
        }
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"instance\":\"demo\"}")]
    [InlineData("not json")]
    [InlineData("{\"instance\":\"demo\",\"from\":\"2026-01-02T00:00:00Z\",\"to\":\"2026-01-01T00:00:00Z\"}")]
    [InlineData("{\"instance\":\"demo\",\"from\":\"2025-01-01T00:00:00Z\",\"to\":\"2026-01-01T00:00:00Z\"}")]
    public async Task Replay_BadRequest_400WithReason(string body)
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        using var response = await host.Client.PostAsync("/api/replay", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"code\":\"bad_request\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
