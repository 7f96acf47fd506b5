using Omni.Engine.Events;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Explaining;
using static Omni.Engine.Tests.Workflows.WorkflowTestSupport;

namespace Omni.Engine.Tests.Workflows;

/// <summary>The explain trace's trigger check: the same verdict as the catalogue, with the values <c>when</c> read.</summary>
public sealed class TriggerCheckTests
{
    public static TheoryData<string, bool, bool, string?> Cases => new()
    {
        { "reply-to-direct-text", false, false, ContentTypes.Text },
        { "reply-to-direct-text", true, false, ContentTypes.Text },
        { "reply-to-direct-text", false, true, ContentTypes.Text },
        { "reply-to-direct-text", false, false, ContentTypes.Image },
        { "ignore-self", true, false, ContentTypes.Text },
        { "ignore-self", false, false, ContentTypes.Text },
        { "describe-view-once-image", false, false, ContentTypes.Image },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Of_AgreesWithTheCatalogue(string seed, bool fromMe, bool isGroup, string? contentType)
    {
        var definition = Seed(seed);
        var evt = Message(contentType!) with { FromMe = fromMe, IsGroup = isGroup };

        Assert.Equal(WorkflowCatalog.Triggers(definition, evt), TriggerCheck.Of(definition, evt).Matched);
    }

    [Fact]
    public void Of_GroupText_WhenFalse_RecordsTheNamesItReadInOrder_AndStopsAtTheDecidingOne()
    {
        var check = TriggerCheck.Of(Seed("reply-to-direct-text"), Message() with { IsGroup = true });

        Assert.False(check.Matched);
        Assert.Equal((true, true, false), (check.EventKindMatched, check.ContentTypeMatched, check.WhenHeld));
        Assert.Equal(["from_me", "is_group"], check.WhenValues!.Keys);
        Assert.True(check.WhenValues["is_group"].GetBoolean());
    }

    [Fact]
    public void Of_KindFilterFails_WhenIsNotEvaluated()
    {
        var check = TriggerCheck.Of(Seed("reply-to-direct-text"), Message() with { EventKind = EventKinds.Reaction });

        Assert.Equal((false, false, null), (check.Matched, check.EventKindMatched, check.WhenHeld));
        Assert.Null(check.WhenValues);
    }

    [Fact]
    public void Of_ListInWhen_RecordsTheListItLookedIn()
    {
        var definition = Load("""
            id: vip-only
            version: 1
            lists:
              vip: ["5511999990001@s.whatsapp.net"]
            trigger:
              event_kinds: [message]
              when: "sender in list('vip')"
            steps:
              - id: stop
                stop: not yet
            """);

        var check = TriggerCheck.Of(definition, Message());

        Assert.True(check.Matched);
        Assert.Equal(["5511999990001@s.whatsapp.net"], check.WhenLists!["vip"]);
        Assert.Equal("5511999990001@s.whatsapp.net", check.WhenValues!["sender"].GetString());
    }
}
