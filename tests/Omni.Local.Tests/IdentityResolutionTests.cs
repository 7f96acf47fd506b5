using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Events;
using Omni.Engine.Identity;
using Omni.Local.Tests.Support;
using Omni.Services.Identity;
using Omni.Services.Storage;

namespace Omni.Local.Tests;

/// <summary>Acceptance 1: resolution on ingest, through the real webhook → queue → normalizer path and against Azurite.</summary>
[Collection(UsesAzurite.Name)]
public sealed class IdentityResolutionTests(AzuriteFixture azurite)
{
    private const string Alice = "5511977770001@s.whatsapp.net";

    internal static async Task<int> CountProfilesAsync(OmniHost host)
    {
        var count = 0;
        await foreach (var _ in host.Storage.Identities.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {"profile"}")))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task FirstSight_CreatesIdentityAndHandle_SecondEventFromTheSameHandleReusesIt()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        await host.IngestAsync(IdentityPayloads.Direct("ID1", Alice, "first", 1764000001, pushName: "Alice"));
        await host.DrainIngestAsync();
        var first = Assert.Single(await host.ListEventsAsync());
        var id = first.GetProperty("identity_id").GetString()!;
        Assert.StartsWith("idn_", id, StringComparison.Ordinal);

        var identity = await host.GetJsonAsync($"/api/identities/{id}");
        Assert.Equal("Alice", identity.GetProperty("display_name").GetString());
        Assert.Equal("whatsapp", identity.GetProperty("preferred_channel").GetString());
        var handle = Assert.Single(identity.GetProperty("handles").EnumerateArray());
        Assert.Equal(Alice, handle.GetProperty("handle").GetString());
        Assert.Equal("+5511977770001", handle.GetProperty("phone").GetString());
        Assert.True(handle.GetProperty("is_primary").GetBoolean());
        Assert.Equal(first.GetProperty("event_id").GetString(), handle.GetProperty("evidence_event_id").GetString());

        await host.IngestAsync(IdentityPayloads.Direct("ID2", Alice, "second", 1764000002, pushName: "Alice B."));
        await host.DrainIngestAsync();
        var events = await host.ListEventsAsync();
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(id, e.GetProperty("identity_id").GetString()));
        Assert.Equal(1, await CountProfilesAsync(host));
    }

    [Fact]
    public async Task PhoneAndLidInOnePayload_LinkToOneIdentity_WithThePayloadAsEvidence()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        // Seen apart first: the phone JID in a 1:1 chat, the LID in a group. Two strangers so far.
        await host.IngestAsync(IdentityPayloads.Direct("PH0", "555199990001@s.whatsapp.net", "from the phone alone", 1750000000, pushName: "Contato Exemplo"));
        await host.IngestAsync(IdentityPayloads.Group("LID0", "100000000000001@lid", "from the lid alone", 1750000001));
        await host.DrainIngestAsync();
        var id = (await host.ListEventsAsync()).Single(e => e.GetProperty("text").GetString() == "from the phone alone").GetProperty("identity_id").GetString()!;
        var lidOnly = (await host.ListEventsAsync()).Single(e => e.GetProperty("text").GetString() == "from the lid alone").GetProperty("identity_id").GetString()!;
        Assert.NotEqual(lidOnly, id);

        // The real capture: remoteJid is the phone JID, key.senderLid the same person's LID.
        await host.IngestAsync(Fixtures.Read("evolution", "messages-upsert-conversation-text-v2.json"));
        await host.DrainIngestAsync();
        var paired = (await host.ListEventsAsync()).Single(e => e.GetProperty("text").GetString() == "1bl1UKm0JC");
        Assert.Equal(id, paired.GetProperty("identity_id").GetString());

        var identity = await host.GetJsonAsync($"/api/identities/{id}");
        Assert.Equal(["100000000000001@lid", "555199990001@s.whatsapp.net"],
            identity.GetProperty("handles").EnumerateArray().Select(h => h.GetProperty("handle").GetString()).Order(StringComparer.Ordinal));
        Assert.Empty((await host.GetJsonAsync($"/api/identities/{lidOnly}")).GetProperty("handles").EnumerateArray());
        var history = await host.GetJsonAsync($"/api/identities/{id}/links");
        var link = Assert.Single(history.GetProperty("links").EnumerateArray());
        Assert.Equal("auto_link", link.GetProperty("kind").GetString());
        Assert.Equal(lidOnly, link.GetProperty("from_identity_id").GetString());
        Assert.Equal(paired.GetProperty("event_id").GetString(), link.GetProperty("evidence_event_id").GetString());
        Assert.Equal(paired.GetProperty("raw_blob").GetString(), link.GetProperty("evidence_raw_blob").GetString());

        // From now on the LID alone resolves to the same person, and the timeline has both addresses' events.
        await host.IngestAsync(IdentityPayloads.Group("LID2", "100000000000001@lid", "lid again", 1764000009));
        await host.DrainIngestAsync();
        var later = (await host.ListEventsAsync()).Single(e => e.GetProperty("text").GetString() == "lid again");
        Assert.Equal(id, later.GetProperty("identity_id").GetString());
        var timeline = await host.GetJsonAsync($"/api/identities/{id}/events");
        Assert.Equal(["lid again", "1bl1UKm0JC", "from the lid alone", "from the phone alone"],
            timeline.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("text").GetString()));
        Assert.All(timeline.GetProperty("events").EnumerateArray(), e => Assert.Equal(id, e.GetProperty("identity_id").GetString()));
    }

    [Fact]
    public async Task PairInTheFirstPayload_OneIdentityWithBothHandles()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        await host.IngestAsync(Fixtures.Read("evolution", "messages-upsert-conversation-text-v2.json"));
        await host.DrainIngestAsync();
        var id = Assert.Single(await host.ListEventsAsync()).GetProperty("identity_id").GetString()!;

        var identity = await host.GetJsonAsync($"/api/identities/{id}");
        Assert.Equal("Contato Exemplo", identity.GetProperty("display_name").GetString());
        Assert.Equal(["555199990001@s.whatsapp.net|True", "100000000000001@lid|False"],
            identity.GetProperty("handles").EnumerateArray().Select(h => $"{h.GetProperty("handle").GetString()}|{h.GetProperty("is_primary").GetBoolean()}"));
        Assert.Equal(1, await CountProfilesAsync(host));
    }

    [Fact]
    public async Task LidSeenFirstThenPaired_ThePhoneJoinsTheLidsIdentity()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        await host.IngestAsync(IdentityPayloads.Group("J1", "100000000000044@lid", "lid first", 1764000000));
        await host.DrainIngestAsync();
        var id = Assert.Single(await host.ListEventsAsync()).GetProperty("identity_id").GetString()!;

        await host.IngestAsync(IdentityPayloads.Group("J2", "100000000000044@lid", "now with phone", 1764000001,
            "\"participantAlt\": \"5511944440044@s.whatsapp.net\""));
        await host.DrainIngestAsync();

        var events = await host.ListEventsAsync();
        Assert.Equal("5511944440044@s.whatsapp.net", events[0].GetProperty("sender_handle").GetString());
        Assert.All(events, e => Assert.Equal(id, e.GetProperty("identity_id").GetString()));
        Assert.Equal(1, await CountProfilesAsync(host));
    }

    [Fact]
    public async Task HundredConcurrentFirstResolutions_OfOneNewSender_MakeExactlyOneIdentity()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var store = host.Services.GetRequiredService<IdentityStore>();
        var options = new IdentityOptions();
        var sender = "5511966660001@s.whatsapp.net";
        var lid = "100000000000066@lid";

        // 100 workers, each with its own empty cache (as 100 Functions instances would be), race on the same new person,
        // each payload naming the phone JID and the LID.
        var stamped = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            var cache = new IdentityCache(options, TimeProvider.System);
            var resolver = new IdentityResolver(store, new IdentityWriter(store, cache, TimeProvider.System), cache, options, TimeProvider.System);
            await Task.Yield();
            return await resolver.StampAsync(Event(i, sender, lid), CancellationToken.None);
        }));

        var id = Assert.Single(stamped.Select(e => e.IdentityId).Distinct());
        Assert.Equal(IdentityIds.ForFirstHandle(new HandleKey("whatsapp", sender)), id);
        Assert.Equal(1, await CountProfilesAsync(host));
        Assert.Equal(id, (await store.GetHandleAsync(new HandleKey("whatsapp", sender), CancellationToken.None))!.IdentityId);
        Assert.Equal(id, (await store.GetHandleAsync(new HandleKey("whatsapp", lid), CancellationToken.None))!.IdentityId);
    }

    [Fact]
    public async Task HundredConcurrentFirstMessages_ThroughTheNormalizer_MakeExactlyOneIdentity()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false,
            settings: new Dictionary<string, string?> { ["Omni:Normalizer:BatchSize"] = "32" });
        var sender = "5511955550001@s.whatsapp.net";
        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => host.IngestAsync(IdentityPayloads.Direct($"RACE{i:D4}", sender, $"m{i}", 1764000000 + i))));

        // Several consumers drain at once: messages of one batch are handled in parallel, batches too.
        var consumers = Enumerable.Range(0, 4).Select(async _ =>
        {
            while (await host.Consumer.DrainOnceAsync(CancellationToken.None) > 0)
            {
            }
        });
        await Task.WhenAll(consumers);

        var events = await host.ListEventsAsync();
        Assert.Equal(100, events.Count);
        Assert.Single(events.Select(e => e.GetProperty("identity_id").GetString()).Distinct());
        Assert.Equal(1, await CountProfilesAsync(host));
    }

    [Fact]
    public async Task FromMe_ResolvesToTheInstanceOwner()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        await host.IngestAsync(IdentityPayloads.Direct("ME1", Alice, "mine", 1764000001, pushName: null, fromMe: true));
        await host.IngestAsync(IdentityPayloads.Direct("ME2", "5511977770002@s.whatsapp.net", "mine too", 1764000002, pushName: null, fromMe: true));
        await host.IngestAsync(IdentityPayloads.Direct("AL1", Alice, "hers", 1764000003, pushName: "Alice"));
        await host.DrainIngestAsync();

        var events = await host.ListEventsAsync();
        var owner = events.Where(e => e.GetProperty("from_me").GetBoolean()).Select(e => e.GetProperty("identity_id").GetString()).Distinct().Single();
        Assert.Equal(IdentityIds.ForFirstHandle(new HandleKey("whatsapp", IdentityPayloads.Owner)), owner);
        Assert.NotEqual(owner, events.Single(e => !e.GetProperty("from_me").GetBoolean()).GetProperty("identity_id").GetString());
        var identity = await host.GetJsonAsync($"/api/identities/{owner}");
        Assert.Equal(IdentityPayloads.Owner, Assert.Single(identity.GetProperty("handles").EnumerateArray()).GetProperty("handle").GetString());
    }

    [Fact]
    public async Task ContactCard_SetsTheDisplayName_ButNeverOverwritesOneSetByAUser()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        await host.IngestAsync(IdentityPayloads.Direct("C1", Alice, "hi", 1764000001, pushName: "alice123"));
        await host.DrainIngestAsync();
        var id = Assert.Single(await host.ListEventsAsync()).GetProperty("identity_id").GetString()!;

        await host.IngestAsync(IdentityPayloads.Contact(Alice, "Alice Souza"));
        await host.DrainIngestAsync();
        var carded = await host.GetJsonAsync($"/api/identities/{id}");
        Assert.Equal("Alice Souza", carded.GetProperty("display_name").GetString());
        Assert.Equal("https://pps.whatsapp.net/v/p.jpg", carded.GetProperty("avatar_url").GetString());

        using var patch = await host.Client.PatchAsync($"/api/identities/{id}", new StringContent("""{"display_name": "Mãe"}"""));
        Assert.Equal(System.Net.HttpStatusCode.OK, patch.StatusCode);
        await host.IngestAsync(IdentityPayloads.Contact(Alice, "Alice S.", "2025-11-25T12:00:00.000Z"));
        await host.DrainIngestAsync();
        Assert.Equal("Mãe", (await host.GetJsonAsync($"/api/identities/{id}")).GetProperty("display_name").GetString());
    }

    [Fact]
    public async Task SteadyState_IdentityResolutionAddsNoTableOperationPerEvent()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var senders = new[] { "5511933330001@s.whatsapp.net", "5511933330002@s.whatsapp.net", "5511933330003@s.whatsapp.net" };
        var lidPair = "\"senderLid\": \"100000000000033@lid\"";
        // Warm every cache: the senders' identities, their conversation summaries, and each catalogue counter shard
        // (the catalogue rotates over its shards, reading each once per process).
        var warmUp = Omni.Services.Catalog.CatalogStore.ShardsPerProcess + senders.Length;
        for (var i = 0; i < warmUp; i++)
        {
            await host.IngestAsync(IdentityPayloads.Direct($"WARM{i}", senders[i % 3], "warm", 1764000000 + i, keyExtras: i == 0 ? lidPair : ""));
        }

        await host.DrainIngestAsync();
        var counter = host.Services.GetRequiredService<StorageOperationCounter>();
        counter.Reset();
        const int n = 60;
        for (var i = 0; i < n; i++)
        {
            await host.IngestAsync(IdentityPayloads.Direct($"STEADY{i:D3}", senders[i % 3], $"m{i}", 1764000100 + i, keyExtras: i % 3 == 0 ? lidPair : ""));
        }

        await host.DrainIngestAsync();
        var tableOps = counter.Table;

        var events = (await host.ListEventsAsync()).Where(e => e.GetProperty("text").GetString() != "warm").ToList();
        Assert.Equal(n, events.Count);
        Assert.Equal(3, events.Select(e => e.GetProperty("identity_id").GetString()).Distinct().Count());
        // The events' transactions and nothing else: every sender (and the LID paired with the first), conversation
        // summary and counter shard is cached. Events stored at the same time share a transaction (group commit), so
        // there are at most n; one identity operation per event would make it at least n more.
        Assert.InRange(tableOps, 1, n);
    }

    private static OmniEvent Event(int i, string sender, string lid) => new()
    {
        EventId = EventKey.ComputeEventId("evolution", "demo", $"R{i}", EventKinds.Message),
        Channel = Channels.WhatsApp,
        Provider = "evolution",
        Instance = "demo",
        EventKind = EventKinds.Message,
        ContentType = ContentTypes.Text,
        ProviderEventId = $"R{i}",
        SenderHandle = sender,
        SenderName = "Racer",
        ConversationId = sender,
        ReceivedAt = DateTimeOffset.UtcNow,
        RawBlob = $"evolution/demo/r{i}",
        ProviderMetadata = JsonSerializer.SerializeToElement(new { key = new { remoteJid = sender, fromMe = false, id = $"R{i}", senderLid = lid } }),
    };
}
