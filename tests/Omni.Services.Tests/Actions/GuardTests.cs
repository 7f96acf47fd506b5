using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Omni.Engine.Workflows.Running;
using Omni.Services.Actions;
using Omni.Services.Actions.Guards;
using Omni.Services.Tests.Support;

namespace Omni.Services.Tests.Actions;

/// <summary>The guard executors the seed playbooks use: verdicts the interpreter reads; rate-limit counters in Azurite.</summary>
[Collection(UsesAzurite.Name)]
public sealed class GuardTests(AzuriteFixture azurite)
{
    private static GuardVerdict Verdict(ActionOutcome outcome) => GuardVerdict.Parse(outcome.Output) ?? throw new InvalidOperationException("not a verdict");

    [Fact]
    public async Task SelfRoute_Ignore_StopsOwnMessagesOnly()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        var own = ActionsHost.TextEvent() with { FromMe = true };
        var stop = Verdict(await host.Registry.ExecuteAsync(ActionsHost.Invocation(SelfRouteGuard.Id, own, new { mode = "ignore" })));
        Assert.Equal(GuardVerdict.StopVerdict, stop.Verdict);
        Assert.Equal("own message", stop.Reason);

        Assert.Equal(GuardVerdict.ContinueVerdict,
            Verdict(await host.Registry.ExecuteAsync(ActionsHost.Invocation(SelfRouteGuard.Id, ActionsHost.TextEvent(), new { mode = "ignore" }))).Verdict);
        Assert.Equal(GuardVerdict.ContinueVerdict,
            Verdict(await host.Registry.ExecuteAsync(ActionsHost.Invocation(SelfRouteGuard.Id, own, new { mode = "log" }))).Verdict);
        await Assert.ThrowsAsync<PermanentActionException>(() =>
            host.Registry.ExecuteAsync(ActionsHost.Invocation(SelfRouteGuard.Id, own, new { mode = "shout" })));
    }

    [Fact]
    public async Task RateLimit_PerSender_LimitThenStopOrDeferUntilWindowEnd_NewWindowContinues()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 10, 15, 0, TimeSpan.Zero));
        await using var host = await ActionsHost.StartAsync(azurite, configure: s => s.AddSingleton<TimeProvider>(clock));
        var evt = ActionsHost.TextEvent();
        var other = ActionsHost.TextEvent() with { SenderHandle = "5511888880000@s.whatsapp.net" };
        var runs = 0;
        async Task<GuardVerdict> Ask(Omni.Engine.Events.OmniEvent e, string onExceed) =>
            Verdict(await host.Registry.ExecuteAsync(ActionsHost.Invocation(
                RateLimitGuard.Id, e, new { per = "sender", limit = 2, window = "1h", on_exceed = onExceed }, runId: $"run-{++runs}")));

        Assert.Equal(GuardVerdict.ContinueVerdict, (await Ask(evt, "stop")).Verdict);
        Assert.Equal(GuardVerdict.ContinueVerdict, (await Ask(evt, "stop")).Verdict);
        var stopped = await Ask(evt, "stop");
        Assert.Equal(GuardVerdict.StopVerdict, stopped.Verdict);
        Assert.Contains("rate limit", stopped.Reason, StringComparison.Ordinal);
        var deferred = await Ask(evt, "defer");
        Assert.Equal(GuardVerdict.DeferVerdict, deferred.Verdict);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 11, 0, 0, TimeSpan.Zero), deferred.Until);

        // Another sender has its own counter; the next window starts afresh.
        Assert.Equal(GuardVerdict.ContinueVerdict, (await Ask(other, "stop")).Verdict);
        clock.Advance(TimeSpan.FromMinutes(45));
        Assert.Equal(GuardVerdict.ContinueVerdict, (await Ask(evt, "defer")).Verdict);
    }

    [Fact]
    public async Task RateLimit_ConcurrentRuns_NeverExceedTheLimit()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        var evt = ActionsHost.TextEvent();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => host.Registry.ExecuteAsync(
            ActionsHost.Invocation(RateLimitGuard.Id, evt, new { per = "instance", limit = 3, window = "1h" }, runId: $"run-{i}"))));
        Assert.Equal(3, outcomes.Count(o => Verdict(o).Verdict == GuardVerdict.ContinueVerdict));
        Assert.Equal(5, outcomes.Count(o => Verdict(o).Verdict == GuardVerdict.StopVerdict));
    }

    [Fact]
    public async Task RateLimit_SameRunAskingAgain_CountedOncePerWindow()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 10, 15, 0, TimeSpan.Zero));
        await using var host = await ActionsHost.StartAsync(azurite, configure: s => s.AddSingleton<TimeProvider>(clock));
        var evt = ActionsHost.TextEvent();
        async Task<GuardVerdict> Ask(string runId) =>
            Verdict(await host.Registry.ExecuteAsync(ActionsHost.Invocation(
                RateLimitGuard.Id, evt, new { per = "sender", limit = 2, window = "1m", on_exceed = "defer" }, runId: runId)));

        // run-a is retried (the activity answered but the host did not record it): still one slot.
        Assert.Equal(GuardVerdict.ContinueVerdict, (await Ask("run-a")).Verdict);
        Assert.Equal(GuardVerdict.ContinueVerdict, (await Ask("run-a")).Verdict);
        Assert.Equal(GuardVerdict.ContinueVerdict, (await Ask("run-b")).Verdict);
        var deferred = await Ask("run-c");
        Assert.Equal((GuardVerdict.DeferVerdict, new DateTimeOffset(2026, 11, 24, 10, 16, 0, TimeSpan.Zero)), (deferred.Verdict, deferred.Until));
        Assert.Equal(GuardVerdict.ContinueVerdict, (await Ask("run-a")).Verdict); // a counted run keeps its slot

        // The next window: run-c, asking again after its deferral, is counted once there, also when asked twice.
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(GuardVerdict.ContinueVerdict, (await Ask("run-c")).Verdict);
        Assert.Equal(GuardVerdict.ContinueVerdict, (await Ask("run-c")).Verdict);
        Assert.Equal(GuardVerdict.ContinueVerdict, (await Ask("run-d")).Verdict);
        Assert.Equal(GuardVerdict.DeferVerdict, (await Ask("run-e")).Verdict);
    }

    [Fact]
    public async Task RateLimit_ConcurrentExecutionsOfOneRun_CountOnce()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        var evt = ActionsHost.TextEvent();
        var same = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => host.Registry.ExecuteAsync(
            ActionsHost.Invocation(RateLimitGuard.Id, evt, new { per = "instance", limit = 2, window = "1h" }, runId: "run-dup"))));
        Assert.All(same, o => Assert.Equal(GuardVerdict.ContinueVerdict, Verdict(o).Verdict));
        Assert.Equal(GuardVerdict.ContinueVerdict, Verdict(await host.Registry.ExecuteAsync(
            ActionsHost.Invocation(RateLimitGuard.Id, evt, new { per = "instance", limit = 2, window = "1h" }, runId: "run-other"))).Verdict);
        Assert.Equal(GuardVerdict.StopVerdict, Verdict(await host.Registry.ExecuteAsync(
            ActionsHost.Invocation(RateLimitGuard.Id, evt, new { per = "instance", limit = 2, window = "1h" }, runId: "run-third"))).Verdict);
    }
}
