using Omni.Services.Configuration;
using Omni.Services.Reconcile;

namespace Omni.Local.Queue;

/// <summary>
/// Omni.Local's stand-in for the Functions app's <c>Reconcile</c> timer trigger: runs <see cref="ReconcileSweep"/> every
/// <c>Omni:Reconcile:Interval</c> (1 min) by the injected <see cref="TimeProvider"/>, so archived payloads whose claim
/// check was never enqueued (the host died in between) become events without a manual replay. Runs with the queue
/// consumers (<c>Omni:Normalizer:Enabled</c>) unless <c>Omni:Reconcile:Enabled</c> is false; tests drive the clock or
/// call <see cref="ReconcileSweep.RunAsync"/> themselves.
/// </summary>
public sealed class ReconcileTimer(ReconcileSweep sweep, OmniOptions options, TimeProvider time, ILogger<ReconcileTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Normalizer.Enabled || !options.Reconcile.Enabled)
        {
            logger.LogInformation("The reconciliation sweep is off (Omni:Normalizer:Enabled or Omni:Reconcile:Enabled is false)");
            return;
        }

        using var timer = new PeriodicTimer(options.Reconcile.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await sweep.RunAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // A failed sweep is retried at the next tick; the timer never stops.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    logger.LogWarning(e, "The reconciliation sweep failed; retrying in {Interval}", options.Reconcile.Interval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
