using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Events;
using Omni.Local.Tests.Support;
using Omni.Services.Events;
using Omni.Services.Identity;

namespace Omni.Local.Tests;

/// <summary>
/// Derived reply state (awaiting reply, reply debt, open questions) per conversation and per person, through HTTP, on
/// real Azurite: WhatsApp payloads through the normalizer, Discord events through the same identity and store path,
/// delivered out of order and by two normalizer processes at once.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class ReplyStateApiTests(AzuriteFixture azurite)
{
    private const string Mom = "5511999990301@s.whatsapp.net";
    private const string Bob = "5511999990302@s.whatsapp.net";
    private const string Carol = "5511999990303@s.whatsapp.net";
    private const string MomDiscord = "800000000000000301";
    private const string DiscordDm = "700000000000000301";
    private const string DiscordInstance = "dc";

    public static readonly Dictionary<string, string?> TwoChannels = new()
    {
        [$"Omni:Instances:{DiscordInstance}:Provider"] = "discord",
        [$"Omni:Instances:{DiscordInstance}:WebhookSecret"] = "dc-secret",
    };

    /// <summary>Three days ago, whole seconds: inside "this week", outside "the last 2 days".</summary>
    private static readonly long T0 = DateTimeOffset.UtcNow.AddDays(-3).ToUnixTimeSeconds();

    private static string At(long seconds) => Omni.Engine.Json.OmniJson.FormatTime(DateTimeOffset.FromUnixTimeSeconds(seconds));

    [Fact]
    public async Task ReplyState_TwoChannelsOutOfOrder_PerConversationAndPerIdentity()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: TwoChannels);
        await SeedAsync(host);

        // Per conversation, across both instances (channels) the key may read.
        var awaiting = await ConversationsAsync(host, "awaiting_reply=true");
        Assert.Equal([Carol, Mom], awaiting.Select(c => c.GetProperty("conversation_id").GetString()));
        var mom = awaiting[1];
        Assert.Equal(At(T0 + 10), mom.GetProperty("awaiting_since").GetString());  // the late "when?" (T0 + 5) came before our reply
        Assert.Equal(At(T0 + 5), mom.GetProperty("last_inbound_at").GetString());
        Assert.Empty(mom.GetProperty("open_questions").EnumerateArray());
        Assert.Equal(At(T0 + 25), awaiting[0].GetProperty("awaiting_since").GetString()); // our two messages arrived newest first

        var debt = await ConversationsAsync(host, "reply_debt=true");
        Assert.Equal([DiscordDm, Bob], debt.Select(c => c.GetProperty("conversation_id").GetString()));
        Assert.Equal(DiscordInstance, debt[0].GetProperty("instance").GetString());
        var question = Assert.Single(debt[1].GetProperty("open_questions").EnumerateArray());
        Assert.Equal("can you send the file?", question.GetProperty("text").GetString());
        Assert.Equal(debt[1].GetProperty("last_inbound_event_id").GetString(), question.GetProperty("event_id").GetString());
        Assert.Equal(At(T0 + 20), debt[1].GetProperty("reply_debt_since").GetString());

        // "This week" vs "for 2 days" vs a window that started after Mom's wait began.
        Assert.Equal(2, (await ConversationsAsync(host, "awaiting_reply=true&since=7d")).Count);
        Assert.Equal(2, (await ConversationsAsync(host, "awaiting_reply=true&before=2d")).Count);
        Assert.Empty(await ConversationsAsync(host, "awaiting_reply=true&since=2d"));
        Assert.Equal([Carol], (await ConversationsAsync(host, $"awaiting_reply=true&since={At(T0 + 20)}")).Select(c => c.GetProperty("conversation_id").GetString()));
        Assert.Equal([DiscordDm, Bob], (await ConversationsAsync(host, "has_open_questions=true")).Select(c => c.GetProperty("conversation_id").GetString()));
        Assert.Equal([Carol, Mom], (await ConversationsAsync(host, "instance=demo&awaiting_reply=true")).Select(c => c.GetProperty("conversation_id").GetString()));

        // Per person across channels: Mom answered on Discord, so she is not awaited anywhere; we owe her.
        var momId = await IdentityOfAsync(host, Mom);
        var person = await host.GetJsonAsync($"/api/identities/{momId}/conversations");
        Assert.False(person.GetProperty("awaiting_reply").GetBoolean());
        Assert.True(person.GetProperty("reply_debt").GetBoolean());
        Assert.Equal(At(T0 + 40), person.GetProperty("reply_debt_since").GetString());
        Assert.Equal(["whatsapp", "discord"], person.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("channel").GetString()).Order().Reverse());
        var hello = Assert.Single(person.GetProperty("open_questions").EnumerateArray());
        Assert.Equal("hello?", hello.GetProperty("text").GetString());

        // People by state: Mom owes nothing and is owed a reply; Bob waits for us too.
        var people = (await host.GetJsonAsync("/api/conversations?group_by=identity&reply_debt=true")).GetProperty("people").EnumerateArray().ToList();
        Assert.Equal([momId, await IdentityOfAsync(host, Bob)], people.Select(p => p.GetProperty("identity_id").GetString()));
        Assert.Empty((await host.GetJsonAsync("/api/conversations?group_by=identity&awaiting_reply=true")).GetProperty("people").EnumerateArray());

        // Paging and bad input.
        var first = await host.GetJsonAsync("/api/conversations?limit=1");
        var second = await host.GetJsonAsync("/api/conversations?limit=1&continuation=" + first.GetProperty("continuation").GetString());
        Assert.NotEqual(first.GetProperty("conversations")[0].GetProperty("conversation_id").GetString(), second.GetProperty("conversations")[0].GetProperty("conversation_id").GetString());
        foreach (var bad in new[] { "since=yesterday", "awaiting_reply=yes", "group_by=channel", "continuation=zzz" })
        {
            using var response = await host.Client.GetAsync("/api/conversations?" + bad);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using var unknown = await host.Client.GetAsync("/api/identities/idn_nope/conversations");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task ReplyState_ConcurrentNormalizers_CountsExact()
    {
        await using var one = await OmniHost.StartAsync(azurite, consumer: false);
        await using var two = await OmniHost.StartAsync(azurite, prefix: one.Prefix, consumer: false);

        // Their messages at even minutes 0..38 and 40, 41, 42 from one process; ours at odd minutes 1..39 from the other;
        // each process stores its share shuffled, both at once.
        var theirs = Enumerable.Range(0, 20).Select(i => i * 2).Concat([40, 41, 42]).Select(m => Event("in", m, fromMe: false, m == 42 ? "ok?" : "hi")).ToList();
        var ours = Enumerable.Range(0, 20).Select(i => (i * 2) + 1).Select(m => Event("out", m, fromMe: true, "sure")).ToList();
        await Task.WhenAll(StoreAsync(one, Shuffle(theirs, 1)), StoreAsync(two, Shuffle(ours, 2)));

        var chat = Assert.Single(await ConversationsAsync(one, "instance=demo"));
        Assert.Equal(43, chat.GetProperty("event_count").GetInt64());
        Assert.Equal(3, chat.GetProperty("unread_count").GetInt32());
        Assert.True(chat.GetProperty("reply_debt").GetBoolean());
        Assert.False(chat.GetProperty("awaiting_reply").GetBoolean());
        Assert.Equal(Minute(40), chat.GetProperty("reply_debt_since").GetString());
        Assert.Equal(Minute(39), chat.GetProperty("last_outbound_at").GetString());
        Assert.Equal([Event("in", 42, fromMe: false, "ok?").EventId], chat.GetProperty("open_questions").EnumerateArray().Select(q => q.GetProperty("event_id").GetString()));
    }

    private static string Minute(int m) => At(T0 + (m * 60));

    private static OmniEvent Event(string prefix, int minute, bool fromMe, string text) => new()
    {
        EventId = EventKey.ComputeEventId("evolution", OmniHost.Instance, $"{prefix}-{minute}", EventKinds.Message),
        Channel = Channels.WhatsApp,
        Provider = "evolution",
        Instance = OmniHost.Instance,
        EventKind = EventKinds.Message,
        ContentType = "text",
        ProviderEventId = $"{prefix}-{minute}",
        ConversationId = Mom,
        SenderHandle = fromMe ? "me@s.whatsapp.net" : Mom,
        FromMe = fromMe,
        Text = text,
        OccurredAt = DateTimeOffset.FromUnixTimeSeconds(T0 + (minute * 60)),
        ReceivedAt = DateTimeOffset.UtcNow,
        RawBlob = "evolution/demo/none.json",
    };

    private static List<OmniEvent> Shuffle(List<OmniEvent> events, int seed)
    {
        var shuffled = events.ToArray();
        new Random(seed).Shuffle(shuffled);
        return [.. shuffled];
    }

    private static async Task StoreAsync(OmniHost host, List<OmniEvent> events)
    {
        var store = host.Services.GetRequiredService<EventStore>();
        foreach (var e in events)
        {
            // Two processes racing for one summary row can use up EventStore's conflict retries; the queue message would
            // then be delivered again, and so is the event here (the transaction is all or nothing).
            for (var delivery = 1; ; delivery++)
            {
                try
                {
                    Assert.True(await store.TryAddAsync(e, CancellationToken.None));
                    break;
                }
                catch (Azure.RequestFailedException ex) when (ex.Status is 409 or 412 && delivery < 5)
                {
                }
            }
        }
    }

    /// <summary>
    /// WhatsApp (instance demo): Mom asks, we answer, her earlier "when?" arrives late; Bob asks after our message; Carol
    /// gets two messages of ours, newest first. Discord (instance dc, Mom's handle linked to her identity): she says hello.
    /// </summary>
    private static async Task SeedAsync(OmniHost host)
    {
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0RS00000001", "are you coming?", Mom, T0, fromMe: false));
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0RS00000002", "yes", Mom, T0 + 10, fromMe: true));
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0RS00000003", "when?", Mom, T0 + 5, fromMe: false));
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0RS00000004", "here is the plan", Bob, T0, fromMe: true));
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0RS00000005", "can you send the file?", Bob, T0 + 20, fromMe: false));
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0RS00000006", "second", Carol, T0 + 30, fromMe: true));
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0RS00000007", "first", Carol, T0 + 25, fromMe: true));
        await host.DrainIngestAsync();

        var momId = await IdentityOfAsync(host, Mom);
        using var link = await host.Client.PostAsync($"/api/identities/{momId}/handles",
            new StringContent($$"""{"channel": "discord", "handle": "{{MomDiscord}}"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(link.StatusCode == HttpStatusCode.OK, await link.Content.ReadAsStringAsync());

        var hello = new OmniEvent
        {
            EventId = EventKey.ComputeEventId("discord", DiscordInstance, "900000000000000301", EventKinds.Message),
            Channel = Channels.Discord,
            Provider = "discord",
            Instance = DiscordInstance,
            EventKind = EventKinds.Message,
            ContentType = "text",
            ProviderEventId = "900000000000000301",
            ConversationId = DiscordDm,
            SenderHandle = MomDiscord,
            Text = "hello?",
            OccurredAt = DateTimeOffset.FromUnixTimeSeconds(T0 + 40),
            ReceivedAt = DateTimeOffset.UtcNow,
            RawBlob = "discord/dc/none.json",
        };
        var stamped = await host.Services.GetRequiredService<IdentityResolver>().StampAsync(hello, CancellationToken.None);
        Assert.Equal(momId, stamped.IdentityId);
        Assert.True(await host.Services.GetRequiredService<EventStore>().TryAddAsync(stamped, CancellationToken.None));
    }

    private static async Task<string> IdentityOfAsync(OmniHost host, string handle) =>
        (await host.ListEventsAsync(conversationId: handle)).First(e => !e.GetProperty("from_me").GetBoolean()).GetProperty("identity_id").GetString()!;

    private static async Task<List<JsonElement>> ConversationsAsync(OmniHost host, string query) =>
        [.. (await host.GetJsonAsync("/api/conversations?" + query)).GetProperty("conversations").EnumerateArray()];
}
