using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Events;
using Omni.Local.Queue;
using Omni.Local.Tests.Support;
using Omni.Services.Events;
using Omni.Services.Workflows;

namespace Omni.Local.Tests;

/// <summary>
/// The <c>workflow-runs</c> messages, on Azurite: events of one instance enqueued together share messages (a lone one
/// goes alone, at once), each event is named exactly once, and a shared message whose event fails to start does not
/// hold back the others: that event is retried, and poisoned, in a message of its own.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class WorkflowRunMessagesTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task FortyEventsEnqueuedAtOnce_ShareAFewMessages_EachEventNamedOnce()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var inbox = host.Services.GetRequiredService<WorkflowRunInbox>();
        var events = Enumerable.Range(0, 40).Select(i => Event($"ev{i:D3}")).ToList();

        await Task.WhenAll(events.Select(e => inbox.EnqueueAsync(e, CancellationToken.None)));

        var messages = await AllMessagesAsync(inbox);
        Assert.InRange(messages.Count, 1, 4); // one per event would be 40: those that come while a message is being sent share the next
        Assert.Equal(events.Select(e => e.EventId).Order(), messages.SelectMany(m => m.Events).Order());
        Assert.All(messages, m => Assert.Equal(OmniHost.Instance, m.Instance));
        Assert.Contains(messages, m => m.Events.Count > 1);
    }

    [Fact]
    public async Task LoneEvent_SentAtOnceInTheOneEventShape()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var inbox = host.Services.GetRequiredService<WorkflowRunInbox>();

        await inbox.EnqueueAsync(Event("lone"), CancellationToken.None);

        var text = Assert.Single((await inbox.Queue.PeekMessagesAsync(32)).Value).MessageText;
        Assert.Equal("""{"instance":"demo","event_id":"lone"}""", text);
    }

    [Fact]
    public async Task EventsOfTwoInstances_NeverShareAMessage_AndAMessageNamesAtMostTheLimit()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var inbox = host.Services.GetRequiredService<WorkflowRunInbox>();
        var events = Enumerable.Range(0, 250).Select(i => Event($"a{i:D3}"))
            .Concat(Enumerable.Range(0, 30).Select(i => Event($"b{i:D3}") with { Instance = "other" })).ToList();

        await Task.WhenAll(events.Select(e => inbox.EnqueueAsync(e, CancellationToken.None)));

        var messages = await AllMessagesAsync(inbox);
        Assert.All(messages, m => Assert.InRange(m.Events.Count, 1, WorkflowRunInbox.MaxEventsPerMessage));
        Assert.All(messages, m => Assert.All(m.Events, id => Assert.Equal(m.Instance == "other" ? 'b' : 'a', id[0])));
        Assert.Equal(events.Select(e => e.EventId).Order(), messages.SelectMany(m => m.Events).Order());
        Assert.InRange(messages.Count, 4, 12); // 250 events need at least 3 messages, 30 at least 1
    }

    [Fact]
    public async Task QueueGone_EveryWaitingCallerFails_ThenTheNextEnqueueWorks()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var inbox = host.Services.GetRequiredService<WorkflowRunInbox>();
        await inbox.EnqueueAsync(Event("first"), CancellationToken.None); // the inbox knows its queue exists now
        await inbox.Queue.DeleteAsync();

        var attempts = Enumerable.Range(0, 10).Select(i => inbox.EnqueueAsync(Event($"lost{i}"), CancellationToken.None)).ToList();

        foreach (var attempt in attempts)
        {
            var error = await Assert.ThrowsAsync<RequestFailedException>(() => attempt);
            Assert.Equal(404, error.Status); // each caller's ingest message is retried, and enqueues again
        }

        await inbox.Queue.CreateAsync();
        await inbox.EnqueueAsync(Event("after"), CancellationToken.None);
        Assert.Equal(["after"], (await AllMessagesAsync(inbox)).SelectMany(m => m.Events));
    }

    [Fact]
    public async Task SharedMessage_OneEventCannotStart_OthersStart_ItIsRetriedAndPoisonedAlone()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var inbox = host.Services.GetRequiredService<WorkflowRunInbox>();
        var runs = host.Services.GetRequiredService<WorkflowRunConsumer>();
        for (var i = 1; i <= 3; i++)
        {
            await host.IngestAsync(EvolutionPayloads.TextFrom($"3EB0SHARED000{i}", "see you tomorrow", $"551199999000{i}@s.whatsapp.net", 1764000000 + i, fromMe: true));
        }

        await host.DrainIngestAsync();
        await inbox.Queue.ClearMessagesAsync(); // what the normalizer enqueued; the test sends its own shared message
        string[] ids = [.. (await host.ListEventsAsync()).Select(e => e.GetProperty("event_id").GetString()!).Order(StringComparer.Ordinal)];
        Assert.Equal(3, ids.Length);

        // The middle event's row is damaged: reading it fails on every delivery (a real, lasting failure).
        var store = host.Services.GetRequiredService<EventStore>();
        var row = (await store.GetCanonicalRowAsync(ids[1], CancellationToken.None))!;
        row["Event"] = "{ not json";
        await host.Storage.Events.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);
        await inbox.EnqueueAsync(new WorkflowRunMessage(OmniHost.Instance, ids[0]) { EventIds = ids }, CancellationToken.None);

        Assert.Equal(1, await runs.DrainOnceAsync(CancellationToken.None));

        Assert.NotEmpty(await RunsOfAsync(host, ids[0]));
        Assert.NotEmpty(await RunsOfAsync(host, ids[2]));
        var retried = Assert.Single(await AllMessagesAsync(inbox)); // the shared message is gone; the failed event is queued alone
        Assert.Equal(new WorkflowRunMessage(OmniHost.Instance, ids[1]), retried);
        for (var delivery = 1; delivery <= WorkflowRunConsumer.MaxDequeueCount; delivery++)
        {
            Assert.Equal(1, await runs.DrainOnceAsync(CancellationToken.None));
        }

        Assert.Empty(await AllMessagesAsync(inbox));
        var poisoned = Assert.Single((await inbox.PoisonQueue.PeekMessagesAsync(10)).Value);
        Assert.Equal([ids[1]], WorkflowRunInbox.Parse(poisoned.MessageText)!.Events);
    }

    private static OmniEvent Event(string id) => new()
    {
        EventId = id, Channel = "whatsapp", Provider = "evolution", Instance = OmniHost.Instance, EventKind = EventKinds.Message,
        ContentType = "text", ProviderEventId = id, ReceivedAt = DateTimeOffset.UnixEpoch, RawBlob = $"demo/{id}.json",
    };

    private static async Task<List<WorkflowRunMessage>> AllMessagesAsync(WorkflowRunInbox inbox) =>
        [.. (await inbox.Queue.PeekMessagesAsync(32)).Value.Select(m => WorkflowRunInbox.Parse(m.MessageText)!)];

    private static async Task<List<JsonElement>> RunsOfAsync(OmniHost host, string eventId) =>
        [.. (await host.GetJsonAsync($"/api/events/{eventId}/actions")).GetProperty("runs").EnumerateArray()];
}
