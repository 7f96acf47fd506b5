using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Omni.Engine.Events;
using Omni.Engine.Workflows.Running;
using Omni.Services.Actions;
using Omni.Services.Actions.Guards;
using Omni.Services.Tests.Support;

namespace Omni.Services.Tests.Actions;

/// <summary>guard.debounce: the newest event of a burst wins, by occurred_at, under a fake clock and concurrency, in Azurite.</summary>
[Collection(UsesAzurite.Name)]
public sealed class DebounceGuardTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 10, 15, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(T0);

    private static GuardVerdict Verdict(ActionOutcome outcome) => GuardVerdict.Parse(outcome.Output) ?? throw new InvalidOperationException("not a verdict");

    private static OmniEvent At(int seconds, string sender = "5511999990001@s.whatsapp.net") =>
        ActionsHost.TextEvent($"message at {seconds}s", conversation: sender) with { OccurredAt = T0.AddSeconds(seconds), ReceivedAt = T0.AddSeconds(seconds + 1) };

    private static ActionInvocation Ask(OmniEvent e, string key = "sender", string window = "30s", string workflow = "wf-a") =>
        ActionsHost.Invocation(DebounceGuard.Id, e, new { window, key }, runId: "run-" + e.EventId, stepId: "settle") with { WorkflowId = workflow };

    [Fact]
    public async Task Burst_EachDefersUntilItsWindowEnds_ThenOnlyTheNewestContinues()
    {
        await using var host = await ActionsHost.StartAsync(azurite, configure: s => s.AddSingleton<TimeProvider>(_clock));
        var burst = new[] { At(0), At(2), At(4) };
        _clock.Advance(TimeSpan.FromSeconds(5));
        foreach (var (e, i) in burst.Select((e, i) => (e, i)))
        {
            var first = Verdict(await host.Registry.ExecuteAsync(Ask(e)));
            Assert.Equal((GuardVerdict.DeferVerdict, e.OccurredAt!.Value.AddSeconds(30)), (first.Verdict, first.Until));
        }

        // The first two timers fire while the window of the newest is still open: they are coalesced into it.
        _clock.Advance(TimeSpan.FromSeconds(27)); // T0 + 32 s
        var coalesced = await host.Registry.ExecuteAsync(Ask(burst[0]));
        Assert.Equal((GuardVerdict.StopVerdict, $"coalesced into {burst[2].EventId}"), (Verdict(coalesced).Verdict, Verdict(coalesced).Reason));
        Assert.Equal(burst[2].EventId, coalesced.OutputString("latest_event_id"));
        Assert.Equal(GuardVerdict.StopVerdict, Verdict(await host.Registry.ExecuteAsync(Ask(burst[1]))).Verdict);
        Assert.Equal(GuardVerdict.DeferVerdict, Verdict(await host.Registry.ExecuteAsync(Ask(burst[2]))).Verdict); // asked early: waits again

        _clock.Advance(TimeSpan.FromSeconds(2)); // T0 + 34 s: the newest's window is over
        Assert.Equal(GuardVerdict.ContinueVerdict, Verdict(await host.Registry.ExecuteAsync(Ask(burst[2]))).Verdict);
        Assert.Equal(GuardVerdict.ContinueVerdict, Verdict(await host.Registry.ExecuteAsync(Ask(burst[2]))).Verdict); // retried: same answer
        Assert.Equal(GuardVerdict.StopVerdict, Verdict(await host.Registry.ExecuteAsync(Ask(burst[0]))).Verdict);

        // A message long after the burst starts a new one and wins it alone.
        var later = At(120);
        _clock.Advance(TimeSpan.FromSeconds(90));
        Assert.Equal(GuardVerdict.DeferVerdict, Verdict(await host.Registry.ExecuteAsync(Ask(later))).Verdict);
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(GuardVerdict.ContinueVerdict, Verdict(await host.Registry.ExecuteAsync(Ask(later))).Verdict);
        Assert.Equal(GuardVerdict.StopVerdict, Verdict(await host.Registry.ExecuteAsync(Ask(burst[2]))).Verdict);
    }

    [Fact]
    public async Task OutOfOrder_OlderEventRecordedLater_NeverReplacesTheNewer()
    {
        await using var host = await ActionsHost.StartAsync(azurite, configure: s => s.AddSingleton<TimeProvider>(_clock));
        var older = At(1);
        var newer = At(3);
        await host.Registry.ExecuteAsync(Ask(newer));
        await host.Registry.ExecuteAsync(Ask(older)); // processed late
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(GuardVerdict.ContinueVerdict, Verdict(await host.Registry.ExecuteAsync(Ask(newer))).Verdict);
        Assert.Equal(GuardVerdict.StopVerdict, Verdict(await host.Registry.ExecuteAsync(Ask(older))).Verdict);
    }

    [Fact]
    public async Task Keys_SenderConversationAndWorkflow_AreSeparateBursts()
    {
        await using var host = await ActionsHost.StartAsync(azurite, configure: s => s.AddSingleton<TimeProvider>(_clock));
        var ana = At(0);
        var bia = At(1, "5511999990002@s.whatsapp.net");
        var groupAna = ActionsHost.TextEvent("in the group", conversation: "120363000000000001@g.us", isGroup: true) with
        {
            SenderHandle = "5511999990001@s.whatsapp.net", OccurredAt = T0.AddSeconds(2), ReceivedAt = T0.AddSeconds(2),
        };
        var groupBia = groupAna with { EventId = "evt_demo_groupbia", SenderHandle = "5511999990002@s.whatsapp.net", OccurredAt = T0.AddSeconds(3) };
        foreach (var invocation in new[] { Ask(ana), Ask(bia), Ask(groupAna, key: "conversation"), Ask(groupBia, key: "conversation"), Ask(ana, workflow: "wf-b") })
        {
            await host.Registry.ExecuteAsync(invocation);
        }

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(GuardVerdict.ContinueVerdict, Verdict(await host.Registry.ExecuteAsync(Ask(ana))).Verdict);  // Bia's message is not Ana's burst
        Assert.Equal(GuardVerdict.ContinueVerdict, Verdict(await host.Registry.ExecuteAsync(Ask(bia))).Verdict);
        Assert.Equal(GuardVerdict.StopVerdict, Verdict(await host.Registry.ExecuteAsync(Ask(groupAna, key: "conversation"))).Verdict); // one burst per group
        Assert.Equal(GuardVerdict.ContinueVerdict, Verdict(await host.Registry.ExecuteAsync(Ask(groupBia, key: "conversation"))).Verdict);
        Assert.Equal(GuardVerdict.ContinueVerdict, Verdict(await host.Registry.ExecuteAsync(Ask(ana, workflow: "wf-b"))).Verdict);
    }

    [Fact]
    public async Task Concurrent_FirstExecutions_TheNewestIsRecorded()
    {
        await using var host = await ActionsHost.StartAsync(azurite, configure: s => s.AddSingleton<TimeProvider>(_clock));
        var burst = Enumerable.Range(0, 8).Select(i => At(i)).ToList();
        await Task.WhenAll(burst.Select(e => host.Registry.ExecuteAsync(Ask(e))));
        _clock.Advance(TimeSpan.FromMinutes(1));
        var verdicts = new List<string>();
        foreach (var e in burst)
        {
            verdicts.Add(Verdict(await host.Registry.ExecuteAsync(Ask(e))).Verdict);
        }

        Assert.Equal([.. Enumerable.Repeat(GuardVerdict.StopVerdict, 7), GuardVerdict.ContinueVerdict], verdicts);
    }

    [Fact]
    public async Task BadParameters_Permanent()
    {
        await using var host = await ActionsHost.StartAsync(azurite, configure: s => s.AddSingleton<TimeProvider>(_clock));
        await Assert.ThrowsAsync<PermanentActionException>(() => host.Registry.ExecuteAsync(Ask(At(0), window: "soon")));
        await Assert.ThrowsAsync<PermanentActionException>(() => host.Registry.ExecuteAsync(Ask(At(0), key: "instance")));
    }
}
