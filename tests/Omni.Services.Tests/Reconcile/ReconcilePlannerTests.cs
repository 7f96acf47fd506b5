using Omni.Services.Configuration;
using Omni.Services.Ingest;
using Omni.Services.Reconcile;

namespace Omni.Services.Tests.Reconcile;

/// <summary>The sweep's pure decisions: which window it examines, and which archived payloads in it are lost.</summary>
public sealed class ReconcilePlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly ReconcileOptions Options = new(); // After 2 min, Lookback 1 h

    private static ArchivedEntry Archived(string id, TimeSpan ago) => new($"evolution/demo/2026/03/02/09/{id}", id, Now - ago);

    private static readonly ReconcileWindow LastHour = new(Now.AddHours(-1), Now.AddMinutes(-3));

    [Fact]
    public void Window_FirstSweepOfAProcess_OnlyLooksAtTheQueue() =>
        Assert.Null(ReconcilePlanner.Window(Now, Options, Now, previousProgress: null, checkedUntil: null));

    [Fact]
    public void Window_NothingWaiting_IsTheLookbackUpToAfterBeforeThePreviousSweep() =>
        Assert.Equal(new ReconcileWindow(Now.AddHours(-1), Now.AddMinutes(-3)), ReconcilePlanner.Window(Now, Options, Now, Now.AddMinutes(-1), null));

    [Fact]
    public void Window_StartsWhereThisProcessLastStopped_NeverBeforeTheLookback()
    {
        Assert.Equal(Now.AddMinutes(-4), ReconcilePlanner.Window(Now, Options, Now, Now, Now.AddMinutes(-4))!.From);
        Assert.Equal(Now.AddHours(-1), ReconcilePlanner.Window(Now, Options, Now, Now, Now.AddHours(-5))!.From);
        Assert.Null(ReconcilePlanner.Window(Now, Options, Now, Now, Now.AddMinutes(-2))); // swept up to After ago already
    }

    [Fact]
    public void Window_ABacklogOnTheIngestQueue_HoldsItBack()
    {
        // The oldest waiting claim check was received 10 min ago: only payloads older than that by After may be lost.
        var progress = ReconcilePlanner.Progress(Now, Now.AddMinutes(-10));
        Assert.Equal(Now.AddMinutes(-10), progress);
        Assert.Equal(Now.AddMinutes(-12), ReconcilePlanner.Window(Now, Options, progress, Now.AddMinutes(-1), null)!.To);

        // The head the previous sweep saw counts too: its messages may be in flight now, invisible to this sweep's peek.
        Assert.Equal(Now.AddMinutes(-12), ReconcilePlanner.Window(Now, Options, Now, Now.AddMinutes(-10), null)!.To);

        // A backlog older than the lookback: nothing to examine.
        Assert.Null(ReconcilePlanner.Window(Now, Options, ReconcilePlanner.Progress(Now, Now.AddHours(-2)), Now, null));

        // A claim check stamped in the future (another host's clock) holds nothing back.
        Assert.Equal(Now, ReconcilePlanner.Progress(Now, Now.AddMinutes(1)));
    }

    [Fact]
    public void Plan_OnlyPayloadsWithNeitherMarkerNorDeadLetter_OldestFirst()
    {
        var archived = new[]
        {
            Archived("c-lost", TimeSpan.FromMinutes(5)),
            Archived("a-marked", TimeSpan.FromMinutes(30)),
            Archived("b-quarantined", TimeSpan.FromMinutes(20)),
            Archived("d-lost", TimeSpan.FromMinutes(40)),
            Archived("e-too-young", TimeSpan.FromMinutes(1)),   // its message may still be on the way
            Archived("f-too-old", TimeSpan.FromHours(2)),       // replay's business
        };

        var plan = ReconcilePlanner.Plan(archived, new HashSet<string> { "a-marked" }, new HashSet<string> { "b-quarantined" }, LastHour, max: 100);

        Assert.Equal(["d-lost", "c-lost"], plan.ReEnqueue.Select(e => e.IngestId));
        Assert.Equal((4, 1, 1), (plan.Examined, plan.Processed, plan.Quarantined));
        Assert.Equal(LastHour.To, plan.CheckedUntil);
    }

    [Fact]
    public void Plan_MoreLostThanAllowed_TheRestWaitForTheNextSweep()
    {
        var archived = Enumerable.Range(1, 5).Select(i => Archived($"lost-{i}", TimeSpan.FromMinutes(10 * i))).ToList();

        var plan = ReconcilePlanner.Plan(archived, new HashSet<string>(), new HashSet<string>(), LastHour, max: 2);

        Assert.Equal(["lost-5", "lost-4"], plan.ReEnqueue.Select(e => e.IngestId));
        Assert.Equal(Now.AddMinutes(-30), plan.CheckedUntil); // lost-3: where the next sweep goes on
        var next = ReconcilePlanner.Plan(archived, new HashSet<string>(), new HashSet<string>(),
            ReconcilePlanner.Window(Now, Options, Now, Now, plan.CheckedUntil)!, max: 2);
        Assert.Equal(["lost-3", "lost-2"], next.ReEnqueue.Select(e => e.IngestId));
    }

    [Fact]
    public void Plan_EverythingHandled_NothingToDo()
    {
        var archived = new[] { Archived("x", TimeSpan.FromMinutes(10)), Archived("y", TimeSpan.FromMinutes(11)) };
        var plan = ReconcilePlanner.Plan(archived, new HashSet<string> { "x", "y" }, new HashSet<string>(), LastHour, max: 100);
        Assert.Empty(plan.ReEnqueue);
        Assert.Equal((2, 2), (plan.Examined, plan.Processed));
    }
}
