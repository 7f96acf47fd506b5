using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Omni.Services.Configuration;
using Omni.Services.Retention;

namespace Omni.Functions.Retention;

/// <summary>
/// The retention cleanup on a timer, hourly (<see cref="RetentionOptions.FunctionsSchedule"/>): the shared
/// <see cref="RetentionCleanup"/> (guard state, ledger, completed runs, dead letters, ingest markers), then a purge of
/// Durable instances that finished longer ago than <c>Omni:Retention:DurableInstances</c>. Omni.Local runs the same
/// cleanup from its <c>RetentionTimer</c> (it has no task hub to purge).
/// </summary>
public sealed class RetentionFunction(RetentionCleanup cleanup, OmniOptions options, TimeProvider time, ILogger<RetentionFunction> logger)
{
    [Function("Retention")]
    public async Task RunAsync(
        [TimerTrigger(RetentionOptions.FunctionsSchedule)] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (!options.Retention.Enabled)
        {
            return;
        }

        await cleanup.RunAsync(cancellationToken);
        var purged = await DurableRetention.PurgeAsync(client, options.Retention.DurableInstances, time.GetUtcNow(), cancellationToken);
        if (purged > 0)
        {
            logger.LogInformation("Retention: purged {Count} finished Durable instances", purged);
        }
    }
}

/// <summary>The purge of finished orchestrations (history and state), apart from the timer so tests can run it on a real task hub.</summary>
public static class DurableRetention
{
    private static readonly OrchestrationRuntimeStatus[] Finished =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    /// <summary>Purges instances created before <paramref name="now"/> − <paramref name="lifetime"/> that have finished; zero keeps them all.</summary>
    public static async Task<int> PurgeAsync(DurableTaskClient client, TimeSpan lifetime, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (lifetime <= TimeSpan.Zero)
        {
            return 0;
        }

        var result = await client.PurgeAllInstancesAsync(new PurgeInstancesFilter(DateTimeOffset.UnixEpoch, now - lifetime, Finished), cancellationToken);
        return result.PurgedInstanceCount;
    }
}
