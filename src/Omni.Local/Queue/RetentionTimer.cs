using Omni.Services.Configuration;
using Omni.Services.Retention;

namespace Omni.Local.Queue;

/// <summary>
/// Omni.Local's stand-in for the Functions app's <c>Retention</c> timer: runs <see cref="RetentionCleanup"/> every
/// <c>Omni:Retention:Interval</c> (1 h) by the injected <see cref="TimeProvider"/>, with the queue consumers
/// (<c>Omni:Normalizer:Enabled</c>) unless <c>Omni:Retention:Enabled</c> is false. A failed pass is retried at the next tick.
/// </summary>
public sealed class RetentionTimer(RetentionCleanup cleanup, OmniOptions options, TimeProvider time, ILogger<RetentionTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Normalizer.Enabled || !options.Retention.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Retention.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await cleanup.RunAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // A failed cleanup is retried at the next tick; the timer never stops.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    logger.LogWarning(e, "The retention cleanup failed; retrying in {Interval}", options.Retention.Interval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
