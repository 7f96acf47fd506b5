using System.Net;
using System.Net.Sockets;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Omni.Functions.Retention;

namespace Omni.Functions.Tests;

/// <summary>
/// The Retention timer's Durable part on the real engine (<see cref="DurableTaskTestHost"/>): finished instances created
/// before the cutoff are purged (history and state gone), a running one never is, and younger ones stay.
/// </summary>
public sealed class RetentionPurgeTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    [Fact]
    public async Task Purge_FinishedInstancesOlderThanTheLifetime_Gone_RunningAndYoungerStay()
    {
        await using var host = await DurableTaskTestHost.StartAsync(registry =>
        {
            registry.AddOrchestratorFunc("Done", _ => Task.FromResult("done"));
            registry.AddOrchestratorFunc("Waits", context => context.WaitForExternalEvent<string>("never"));
        }, new DurableTaskTestHostOptions { Port = FreePort() });
        var client = host.Client;
        var done = await client.ScheduleNewOrchestrationInstanceAsync("Done");
        var waits = await client.ScheduleNewOrchestrationInstanceAsync("Waits");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await client.WaitForInstanceCompletionAsync(done, timeout.Token)).RuntimeStatus);
        await client.WaitForInstanceStartAsync(waits, timeout.Token);

        // Now: both were created moments ago, well within the lifetime.
        Assert.Equal(0, await DurableRetention.PurgeAsync(client, Lifetime, DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.NotNull(await client.GetInstanceAsync(done));

        // A lifetime later: the finished one goes, the waiting one stays.
        Assert.Equal(1, await DurableRetention.PurgeAsync(client, Lifetime, DateTimeOffset.UtcNow + Lifetime + TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Null(await client.GetInstanceAsync(done));
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await client.GetInstanceAsync(waits))!.RuntimeStatus);

        // Zero keeps everything.
        Assert.Equal(0, await DurableRetention.PurgeAsync(client, TimeSpan.Zero, DateTimeOffset.MaxValue, CancellationToken.None));
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
