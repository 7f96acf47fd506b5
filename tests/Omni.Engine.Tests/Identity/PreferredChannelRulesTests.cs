using Omni.Engine.Events;
using Omni.Engine.Identity;

namespace Omni.Engine.Tests.Identity;

public class PreferredChannelRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);
    private static readonly HandleTarget WhatsApp = new(Channels.WhatsApp, "5511999990042@s.whatsapp.net", "demo");
    private static readonly HandleTarget Telegram = new(Channels.Telegram, "2222222", "demo-telegram");
    private static readonly HandleTarget Slack = new(Channels.Slack, "U0MOM", "demo-slack");

    private static ExchangeCandidate Exchange(string channel, string instance, string conversation, int inboundMinutes, int? outboundMinutes, bool isGroup = false) =>
        new(channel, instance, conversation, isGroup, T0.AddMinutes(inboundMinutes), outboundMinutes is { } o ? T0.AddMinutes(o) : null);

    [Fact]
    public void Choose_NoChoice_TheMostRecentTwoWayExchangeWins_WithItsConversation()
    {
        var chosen = PreferredChannelRules.Choose(null,
        [
            Exchange(Channels.WhatsApp, "demo", WhatsApp.Handle, 0, 5),
            Exchange(Channels.Slack, "demo-slack", "D0MOM", 30, 20),
        ], [WhatsApp, Slack]);

        // Slack's round trip completed at +20 (our last message), WhatsApp's at +0 (their last one).
        Assert.Equal(new PreferredChannel(Channels.Slack, PreferredChannel.RecentExchange, "demo-slack", "D0MOM", T0.AddMinutes(20)), chosen);
    }

    [Fact]
    public void Choose_AMessageNobodyAnswered_DoesNotMoveThePreference()
    {
        var chosen = PreferredChannelRules.Choose(null,
        [
            Exchange(Channels.WhatsApp, "demo", WhatsApp.Handle, 0, 1),
            Exchange(Channels.Telegram, "demo-telegram", Telegram.Handle, 600, null),
        ], [Telegram, WhatsApp]);

        Assert.Equal((Channels.WhatsApp, PreferredChannel.RecentExchange), (chosen.Channel, chosen.Source));
    }

    [Fact]
    public void Choose_GroupConversations_AreNoWayToReachOnePerson()
    {
        var chosen = PreferredChannelRules.Choose(null, [Exchange(Channels.WhatsApp, "demo", "120363000000000077@g.us", 10, 11, isGroup: true)], [Telegram, WhatsApp]);

        Assert.Equal(new PreferredChannel(Channels.Telegram, PreferredChannel.PrimaryHandle, "demo-telegram", "2222222"), chosen);
    }

    [Fact]
    public void Choose_AnExplicitChoice_WinsOverExchanges_AndTakesTheConversationTheyStartedThere()
    {
        var chosen = PreferredChannelRules.Choose(Channels.Telegram,
        [
            Exchange(Channels.WhatsApp, "demo", WhatsApp.Handle, 0, 5),
            Exchange(Channels.Telegram, "demo-telegram", "2222222", 60, null),
        ], [WhatsApp, Telegram]);

        Assert.Equal(new PreferredChannel(Channels.Telegram, PreferredChannel.Explicit, "demo-telegram", "2222222"), chosen);
    }

    [Fact]
    public void Choose_AnExplicitChannelWithoutAConversation_DirectChatByHandleOnlyWhereTheHandleIsTheChat()
    {
        Assert.Equal(new PreferredChannel(Channels.WhatsApp, PreferredChannel.Explicit, "demo", WhatsApp.Handle),
            PreferredChannelRules.Choose(Channels.WhatsApp, [], [Slack, WhatsApp]));
        // A Slack DM is a D… channel, not the user id: no route until one is known.
        var slack = PreferredChannelRules.Choose(Channels.Slack, [], [Slack, WhatsApp]);
        Assert.Equal((Channels.Slack, PreferredChannel.Explicit, false), (slack.Channel, slack.Source, slack.HasRoute));
    }

    [Fact]
    public void Choose_NoHandles_None() =>
        Assert.Equal(new PreferredChannel(null, PreferredChannel.None), PreferredChannelRules.Choose(null, [], []));

    [Fact]
    public void TwoWayAt_IsTheEarlierOfTheLastMessagesBothWays() =>
        Assert.Equal(T0.AddMinutes(3), Exchange(Channels.WhatsApp, "demo", "x", 3, 9).TwoWayAt);
}
