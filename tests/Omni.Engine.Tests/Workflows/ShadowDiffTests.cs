using Omni.Engine.Workflows.Shadow;

namespace Omni.Engine.Tests.Workflows;

/// <summary>The pure half of shadow replay: per-event comparison as multisets of action ids, totals and the summary line.</summary>
public sealed class ShadowDiffTests
{
    private static ShadowLive Live(params string[] actions) =>
        new("wf_1", 1, "completed", [.. actions.Select((a, i) => new ShadowAction($"s{i}", a))]);

    private static ShadowPlanned Planned(params string[] actions) =>
        new("completed", null, [.. actions.Select((a, i) => new ShadowAction($"t{i}", a))]);

    [Fact]
    public void Compare_SameActionsFromOtherSteps_NoChange()
    {
        var (added, removed) = ShadowDiff.Compare(Live("route.reply"), Planned("route.reply"));

        Assert.Empty(added);
        Assert.Empty(removed);
    }

    [Fact]
    public void Compare_CountsAsMultisets_OneOfTwoRepliesRemoved_AnEscalationAdded()
    {
        var (added, removed) = ShadowDiff.Compare(Live("route.reply", "route.reply"), Planned("route.escalate.human", "route.reply"));

        Assert.Equal(["route.escalate.human"], added);
        Assert.Equal(["route.reply"], removed);
    }

    [Fact]
    public void Compare_NoLiveRun_EverythingPlannedIsAdded()
    {
        var (added, removed) = ShadowDiff.Compare(ShadowLive.None, Planned("route.reply"));

        Assert.Equal(["route.reply"], added);
        Assert.Empty(removed);
    }

    [Fact]
    public void Tally_AcrossEvents_SumsPerActionId()
    {
        var totals = new Dictionary<string, ShadowTotal>(StringComparer.Ordinal);

        ShadowDiff.Tally(totals, Live("route.reply"), Planned("route.reply"));
        ShadowDiff.Tally(totals, Live("route.reply"), ShadowPlanned.Untriggered);
        ShadowDiff.Tally(totals, Live("route.reply", "route.escalate.human"), Planned("route.reply"));
        ShadowDiff.Tally(totals, ShadowLive.None, Planned("route.reply"));

        Assert.Equal(new ShadowTotal("route.reply", 3, 3, 1, 1), totals["route.reply"]);
        Assert.Equal(new ShadowTotal("route.escalate.human", 1, 0, 0, 1), totals["route.escalate.human"]);
    }

    [Fact]
    public void Summary_SignedCountsWithNouns_InActionIdOrder()
    {
        var summary = ShadowDiff.Summary(
        [
            new ShadowTotal("route.reply", 50, 89, 42, 3),
            new ShadowTotal("route.escalate.human", 3, 0, 0, 3),
            new ShadowTotal("meta.notify.webhook", 1, 2, 1, 0),
            new ShadowTotal("custom.thing", 0, 2, 2, 0),
        ]);

        Assert.Equal("+2 custom.thing, +1 notification, \u22123 escalations, +42 replies, \u22123 replies", summary);
    }

    [Fact]
    public void Summary_NothingDiffers_NoChange() =>
        Assert.Equal("no change", ShadowDiff.Summary([new ShadowTotal("route.reply", 4, 4, 0, 0)]));
}
