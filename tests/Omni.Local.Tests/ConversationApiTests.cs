using System.Net;
using System.Text.Json;
using Omni.Local.Tests.Support;

namespace Omni.Local.Tests;

/// <summary>Conversations and their folded timelines, through HTTP, from real Evolution payloads.</summary>
[Collection(UsesAzurite.Name)]
public sealed class ConversationApiTests(AzuriteFixture azurite)
{
    private const string Chat = "5511999990201@s.whatsapp.net";
    private const string Group = "120363000000000201@g.us";
    private const long T0 = 1764000000;

    [Fact]
    public async Task Timeline_MessageEditReactionRemovalDelete_OneFoldedMessage()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0TL00000001", "first text", Chat, T0, fromMe: false));
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0TL00000002", "kept message", Chat, T0 + 5, fromMe: true));
        await host.IngestAsync(EvolutionPayloads.Edit("3EB0TL00000001", "edited text", Chat, T0 + 10));
        await host.IngestAsync(EvolutionPayloads.Reaction("3EB0TLREACT001", "3EB0TL00000001", "❤️", Chat, T0 + 20));
        await host.IngestAsync(EvolutionPayloads.Reaction("3EB0TLREACT002", "3EB0TL00000001", "", Chat, T0 + 30));
        await host.IngestAsync(EvolutionPayloads.Reaction("3EB0TLREACT003", "3EB0TL00000002", "👍", Chat, T0 + 35));
        await host.IngestAsync(EvolutionPayloads.Revoke("3EB0TLREVOKE01", "3EB0TL00000001", Chat, T0 + 40));
        await host.DrainIngestAsync();

        var timeline = await host.GetJsonAsync($"/api/conversations/demo/{Uri.EscapeDataString(Chat)}/timeline");
        var entries = timeline.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);

        var first = entries[0];
        Assert.Equal("message", first.GetProperty("entry_type").GetString());
        Assert.Equal("3EB0TL00000001", first.GetProperty("event").GetProperty("provider_message_id").GetString());
        Assert.True(first.GetProperty("edited").GetBoolean());
        Assert.True(first.GetProperty("deleted").GetBoolean());
        Assert.False(first.TryGetProperty("text", out _)); // deleted: no current text
        Assert.Empty(first.GetProperty("reactions").EnumerateArray()); // the heart was removed
        Assert.Equal(4, first.GetProperty("folded_event_ids").GetArrayLength());
        Assert.False(first.TryGetProperty("raw_events", out _));

        var second = entries[1];
        Assert.Equal("kept message", second.GetProperty("text").GetString());
        Assert.False(second.GetProperty("edited").GetBoolean());
        Assert.False(second.GetProperty("deleted").GetBoolean());
        var reaction = Assert.Single(second.GetProperty("reactions").EnumerateArray());
        Assert.Equal("👍", reaction.GetProperty("emoji").GetString());
        Assert.Equal(Chat, reaction.GetProperty("sender_handle").GetString());

        // The edited text before the delete: read the raw events on request.
        var raw = await host.GetJsonAsync($"/api/conversations/demo/{Uri.EscapeDataString(Chat)}/timeline?raw=true");
        var rawEvents = raw.GetProperty("entries")[0].GetProperty("raw_events").EnumerateArray().ToList();
        Assert.Equal(5, rawEvents.Count);
        Assert.Contains(rawEvents, e => e.GetProperty("event_kind").GetString() == "message_edit" && e.GetProperty("text").GetString() == "edited text");
    }

    [Fact]
    public async Task Timeline_PollWithVotes_Tallies()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        await host.IngestAsync(EvolutionPayloads.Poll("3EB0POLL000001", "Lunch?", ["Pizza", "Sushi", "Salad"], Group, T0));
        await host.IngestAsync(EvolutionPayloads.Vote("3EB0VOTE000001", "3EB0POLL000001", ["Pizza"], Group, "5511900000001@s.whatsapp.net", T0 + 10));
        await host.IngestAsync(EvolutionPayloads.Vote("3EB0VOTE000002", "3EB0POLL000001", ["Pizza", "Sushi"], Group, "5511900000002@s.whatsapp.net", T0 + 20));
        await host.IngestAsync(EvolutionPayloads.Vote("3EB0VOTE000003", "3EB0POLL000001", ["Sushi"], Group, "5511900000003@s.whatsapp.net", T0 + 30));
        // Voter 1 changes their mind: only the latest vote counts.
        await host.IngestAsync(EvolutionPayloads.Vote("3EB0VOTE000004", "3EB0POLL000001", ["Salad"], Group, "5511900000001@s.whatsapp.net", T0 + 40));
        await host.DrainIngestAsync();

        var timeline = await host.GetJsonAsync($"/api/conversations/demo/{Uri.EscapeDataString(Group)}/timeline");
        var poll = Assert.Single(timeline.GetProperty("entries").EnumerateArray()).GetProperty("poll");
        Assert.Equal("Lunch?", poll.GetProperty("question").GetString());
        Assert.Equal(3, poll.GetProperty("voter_count").GetInt32());
        var tallies = poll.GetProperty("options").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!, o => o.GetProperty("votes").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["Sushi"] = 2, ["Pizza"] = 1, ["Salad"] = 1 }, tallies);
    }

    [Fact]
    public async Task Timeline_PagesOlderWithContinuation_AndRejectsBadInput()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        for (var i = 0; i < 5; i++)
        {
            await host.IngestAsync(EvolutionPayloads.TextFrom($"3EB0TLPAGE{i:D4}", $"m{i}", Chat, T0 + i, fromMe: false));
        }

        await host.DrainIngestAsync();
        var path = $"/api/conversations/demo/{Uri.EscapeDataString(Chat)}/timeline?limit=3";
        var newest = await host.GetJsonAsync(path);
        Assert.Equal(["m2", "m3", "m4"], newest.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("text").GetString()));
        var older = await host.GetJsonAsync(path + "&continuation=" + newest.GetProperty("continuation").GetString());
        Assert.Equal(["m0", "m1"], older.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("text").GetString()));
        Assert.False(older.TryGetProperty("continuation", out _));

        foreach (var bad in new[] { "?limit=1001", "?raw=maybe", "?continuation=zzz", "?foo=1" })
        {
            using var response = await host.Client.GetAsync($"/api/conversations/demo/{Uri.EscapeDataString(Chat)}/timeline{bad}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using var unknown = await host.Client.GetAsync($"/api/conversations/nope/{Uri.EscapeDataString(Chat)}/timeline");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Conversations_LastEventPreviewParticipantsAndUnreadByUs()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        const string Other = "5511999990202@s.whatsapp.net";
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0CV00000001", "hi", Chat, T0, fromMe: false));
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0CV00000002", "anyone?", Chat, T0 + 10, fromMe: false));
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0CV00000003", "yes, here", Chat, T0 + 20, fromMe: true));
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0CV00000004", "great", Chat, T0 + 30, fromMe: false));
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0CV00000005", "two questions: a very long preview " + new string('x', 300), Chat, T0 + 40, fromMe: false));
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0CV00000006", "older chat", Other, T0 + 5, fromMe: false));
        await host.DrainIngestAsync();
        // Redelivered and replayed events must not count twice.
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0CV00000004", "great", Chat, T0 + 30, fromMe: false));
        await host.DrainIngestAsync();

        var page = await host.GetJsonAsync("/api/conversations?instance=demo");
        var list = page.GetProperty("conversations").EnumerateArray().ToList();
        Assert.Equal([Chat, Other], list.Select(c => c.GetProperty("conversation_id").GetString()));
        var chat = list[0];
        Assert.Equal(2, chat.GetProperty("unread_count").GetInt32());
        Assert.Equal(5, chat.GetProperty("event_count").GetInt64());
        Assert.Equal("2025-11-24T16:00:40.000Z", chat.GetProperty("last_event_at").GetString());
        Assert.StartsWith("two questions", chat.GetProperty("last_text").GetString(), StringComparison.Ordinal);
        Assert.Equal(141, chat.GetProperty("last_text").GetString()!.Length);
        Assert.Equal("2025-11-24T16:00:20.000Z", chat.GetProperty("last_outbound_at").GetString());
        Assert.Contains(Chat, chat.GetProperty("participant_handles").EnumerateArray().Select(h => h.GetString()));
        // The contact and the instance's owner (the from_me sender), as the identity registry resolved them.
        var chatIdentities = (await host.ListEventsAsync(conversationId: Chat)).Select(e => e.GetProperty("identity_id").GetString()).Distinct().Order().ToList();
        Assert.Equal(2, chatIdentities.Count);
        Assert.Equal(chatIdentities, chat.GetProperty("participant_identities").EnumerateArray().Select(i => i.GetString()).Order().ToList());
        Assert.Equal(1, list[1].GetProperty("unread_count").GetInt32());

        // A late outbound message (earlier than the last two inbound) clears only what came before it.
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0CV00000007", "late reply", Chat, T0 + 35, fromMe: true));
        await host.DrainIngestAsync();
        var after = (await host.GetJsonAsync("/api/conversations?instance=demo")).GetProperty("conversations")[0];
        Assert.Equal(1, after.GetProperty("unread_count").GetInt32());

        var first = await host.GetJsonAsync("/api/conversations?instance=demo&limit=1");
        Assert.Single(first.GetProperty("conversations").EnumerateArray());
        var second = await host.GetJsonAsync("/api/conversations?instance=demo&limit=1&continuation=" + first.GetProperty("continuation").GetString());
        Assert.Equal(Other, Assert.Single(second.GetProperty("conversations").EnumerateArray()).GetProperty("conversation_id").GetString());

        // Without an instance: every instance the key may read (only demo has conversations here).
        var everywhere = await host.GetJsonAsync("/api/conversations");
        Assert.Equal([Chat, Other], everywhere.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("conversation_id").GetString()));
    }
}
