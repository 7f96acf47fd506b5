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

    [Fact]
    public void Choose_NullLists_ThrowNamingTheArgument()
    {
        Assert.Equal("exchanges", Assert.Throws<ArgumentNullException>(() => PreferredChannelRules.Choose(Channels.Slack, null!, [Slack])).ParamName);
        Assert.Equal("handles", Assert.Throws<ArgumentNullException>(() => PreferredChannelRules.Choose(Channels.Slack, [], null!)).ParamName);
    }

    [Theory]
    [InlineData("demo-slack-b,demo-slack-a,demo-slack-c", "D0MOM,D0MOM,D0MOM", "demo-slack-a", "D0MOM")] // the ordinally first instance
    [InlineData("demo-slack,demo-slack,demo-slack", "D0MOM2,D0MOM1,D0MOM3", "demo-slack", "D0MOM1")] // on one instance, the first conversation
    public void Choose_TwoWayExchangesCompletedAtTheSameTime_TheOrdinallyFirstWins(string instances, string conversations, string instance, string conversation)
    {
        var exchanges = instances.Split(',').Zip(conversations.Split(','), (i, c) => Exchange(Channels.Slack, i, c, 10, 20)).ToList();

        var chosen = PreferredChannelRules.Choose(null, exchanges, [Slack]);

        Assert.Equal(new PreferredChannel(Channels.Slack, PreferredChannel.RecentExchange, instance, conversation, T0.AddMinutes(10)), chosen);
    }

    [Fact]
    public void Choose_ExplicitChannelWithOnlyConversationsTheyStarted_TheNewestNonGroupOneWithAnInboundMessageOnThatChannel()
    {
        var chosen = PreferredChannelRules.Choose(Channels.Slack,
        [
            Exchange(Channels.Slack, "demo-slack", "D0OLD", 10, null),
            Exchange(Channels.Slack, "demo-slack", "D0NEW", 30, null),
            Exchange(Channels.Slack, "demo-slack", "D0MID", 20, null),
            // Newer, but a group, another channel, or one where only we wrote: none is a conversation they started with us.
            Exchange(Channels.Slack, "demo-slack", "C0GROUP", 90, null, isGroup: true),
            Exchange(Channels.Discord, "demo-discord", "900000000000000001", 90, null),
            new ExchangeCandidate(Channels.Slack, "demo-slack", "D0OURS", false, null, T0.AddMinutes(90)),
        ], [Slack]);

        Assert.Equal(new PreferredChannel(Channels.Slack, PreferredChannel.Explicit, "demo-slack", "D0NEW"), chosen);
    }

    [Fact]
    public void Choose_ExplicitChannelWithConversationsTheyStartedAtTheSameTime_TheOrdinallyFirstInstanceWins()
    {
        var chosen = PreferredChannelRules.Choose(Channels.Slack,
        [
            Exchange(Channels.Slack, "demo-slack-b", "D0B", 30, null),
            Exchange(Channels.Slack, "demo-slack-a", "D0A", 30, null),
            Exchange(Channels.Slack, "demo-slack-c", "D0C", 30, null),
        ], [Slack]);

        Assert.Equal(new PreferredChannel(Channels.Slack, PreferredChannel.Explicit, "demo-slack-a", "D0A"), chosen);
    }

    [Fact]
    public void Choose_ExplicitChannelWhereTheyOnlyWroteInAGroup_NoRoute()
    {
        var chosen = PreferredChannelRules.Choose(Channels.Slack, [Exchange(Channels.Slack, "demo-slack", "C0GROUP", 30, 40, isGroup: true)], [Slack]);

        Assert.Equal(new PreferredChannel(Channels.Slack, PreferredChannel.Explicit), chosen);
    }

    [Theory]
    [InlineData("demo", "D0MOM", true)]
    [InlineData("demo", null, false)]
    [InlineData(null, "D0MOM", false)]
    [InlineData(null, null, false)]
    public void HasRoute_NeedsBothTheInstanceAndTheConversation(string? instance, string? conversation, bool hasRoute) =>
        Assert.Equal(hasRoute, new PreferredChannel(Channels.Slack, PreferredChannel.Explicit, instance, conversation).HasRoute);
}
