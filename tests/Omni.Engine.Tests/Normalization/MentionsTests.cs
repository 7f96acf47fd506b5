using Omni.Engine.Normalization.Telegram;
using Omni.Engine.Workflows.Expressions;
using Omni.TestSupport;

namespace Omni.Engine.Tests.Normalization;

/// <summary><c>mentions</c> and <c>mentions_me</c> from every provider that has mentions, in each provider's sender-handle form.</summary>
public sealed class MentionsTests
{
    [Fact]
    public void Evolution_MentionedJid_MentionsInJidFormAndMentionsMeForTheOwner()
    {
        var e = EvolutionTestPayloads.Single(EvolutionTestPayloads.Envelope("messages.upsert", EvolutionTestPayloads.Message(
            """{"extendedTextMessage":{"text":"@5511999990000 @5511988887777 look","contextInfo":{"mentionedJid":["5511999990000@s.whatsapp.net","5511988887777@s.whatsapp.net"]}}}""",
            remoteJid: "120363000000000001@g.us", participant: "5511977776666@s.whatsapp.net")));

        Assert.Equal(["5511999990000@s.whatsapp.net", "5511988887777@s.whatsapp.net"], e.Mentions);
        Assert.True(e.MentionsMe);
        Assert.True(e.IsGroup);
    }

    [Fact]
    public void Evolution_HoistedContextInfoMentioningSomeoneElse_NotMentionsMe()
    {
        var message = EvolutionTestPayloads.Message("""{"conversation":"hi @5511988887777"}""", remoteJid: "120363000000000001@g.us", participant: "5511977776666@s.whatsapp.net")
            .TrimEnd().TrimEnd('}') + """,  "contextInfo": {"mentionedJid": ["5511988887777@s.whatsapp.net"]} }""";
        var e = EvolutionTestPayloads.Single(EvolutionTestPayloads.Envelope("messages.upsert", message));

        Assert.Equal(["5511988887777@s.whatsapp.net"], e.Mentions);
        Assert.False(e.MentionsMe);
    }

    [Fact]
    public void Evolution_NoMentions_NullAndFalse()
    {
        var e = EvolutionTestPayloads.Upsert("""{"conversation":"hello"}""");
        Assert.Null(e.Mentions);
        Assert.False(e.MentionsMe);
    }

    [Fact]
    public void Discord_MentionsUsers_UserIdsAndMentionsMeForTheBot()
    {
        var e = DiscordTestPayloads.Dispatch("MESSAGE_CREATE", $$"""
            {"id":"1300000000000000001","channel_id":"1200000000000000001","guild_id":"1100000000000000001","type":0,
             "content":"<@{{DiscordTestPayloads.BotUserId}}> and <@1000000000000000007>","timestamp":"2026-01-02T03:04:05.000000+00:00",
             "author":{"id":"1000000000000000002","username":"ana"},
             "mentions":[{"id":"{{DiscordTestPayloads.BotUserId}}","username":"omni","bot":true},{"id":"1000000000000000007","username":"bob"}]}
            """);

        Assert.Equal([DiscordTestPayloads.BotUserId, "1000000000000000007"], e.Mentions);
        Assert.True(e.MentionsMe);
    }

    [Fact]
    public void Slack_UserMentionsInText_UserIdsAndMentionsMeForOurBot()
    {
        var e = SlackTestPayloads.Single(SlackTestPayloads.Callback(
            $$"""{"type":"message","channel":"C0TEAM","channel_type":"channel","user":"U0ANA","text":"<@{{SlackTestPayloads.BotUserId}}> ping <@U0BOB|bob>","ts":"1767225600.000100"}"""));

        Assert.Equal([SlackTestPayloads.BotUserId, "U0BOB"], e.Mentions);
        Assert.True(e.MentionsMe);
    }

    [Fact]
    public void Slack_AppMentionFixture_MentionsTheAppUser()
    {
        var e = SlackTestPayloads.SingleFixture("event-callback-app-mention.json");
        Assert.Equal(["U0LAN0Z89"], e.Mentions);
        Assert.False(e.MentionsMe); // the fixture's authorization is a user, not our bot
    }

    [Fact]
    public void Telegram_MentionEntities_IdsAndUsernamesAndMentionsMeByUsername()
    {
        var normalizer = new TelegramNormalizer(_ => TelegramTestPayloads.BotUserId, _ => "OmniBot");
        var body = TelegramTestPayloads.Update("message", TelegramTestPayloads.Message(
            "\"text\":\"@omnibot ask Bob\",\"entities\":[{\"offset\":0,\"length\":8,\"type\":\"mention\"},{\"offset\":13,\"length\":3,\"type\":\"text_mention\",\"user\":{\"id\":2222222,\"is_bot\":false,\"first_name\":\"Bob\"}}]",
            chatId: -100123, chatType: "supergroup"));
        var e = Assert.Single(normalizer.Normalize(TelegramTestPayloads.Payload(System.Text.Encoding.UTF8.GetBytes(body))).Events);

        Assert.Equal(["2222222", "@omnibot"], e.Mentions);
        Assert.True(e.MentionsMe);
    }

    [Fact]
    public void Telegram_TextMentionOfTheBotId_MentionsMeWithoutAUsername()
    {
        var e = TelegramTestPayloads.Single(TelegramTestPayloads.Update("message", TelegramTestPayloads.Message(
            "\"text\":\"hey bot\",\"entities\":[{\"offset\":4,\"length\":3,\"type\":\"text_mention\",\"user\":{\"id\":" + TelegramTestPayloads.BotUserId + ",\"is_bot\":true,\"first_name\":\"Omni\"}}]",
            chatId: -100123, chatType: "group")));

        Assert.Equal([TelegramTestPayloads.BotUserId], e.Mentions);
        Assert.True(e.MentionsMe);
    }

    [Fact]
    public void EventFields_MentionsAndMentionsMe_ReadableInConditions()
    {
        var e = EvolutionTestPayloads.Single(EvolutionTestPayloads.Envelope("messages.upsert", EvolutionTestPayloads.Message(
            """{"extendedTextMessage":{"text":"@5511999990000","contextInfo":{"mentionedJid":["5511999990000@s.whatsapp.net"]}}}""",
            remoteJid: "120363000000000001@g.us", participant: "5511977776666@s.whatsapp.net")));

        Assert.True(EventFields.TryRead(e, "mentions_me", out var me));
        Assert.Equal(true, me);
        Assert.True(EventFields.TryRead(e, "mentions", out var mentions));
        Assert.Equal(["5511999990000@s.whatsapp.net"], Assert.IsType<List<object?>>(mentions));
    }
}
