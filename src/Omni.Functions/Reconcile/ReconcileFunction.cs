using Microsoft.Azure.Functions.Worker;
using Omni.Services.Configuration;
using Omni.Services.Reconcile;

namespace Omni.Functions.Reconcile;

/// <summary>
/// The reconciliation sweep on a timer, every minute (<see cref="ReconcileOptions.FunctionsSchedule"/>): archived payloads
/// whose claim check never reached the ingest queue (the worker died between archiving and enqueueing, or lost the
/// enqueue) are enqueued again. The timer trigger runs one invocation at a time across the app's instances (it holds a
/// blob lease in AzureWebJobsStorage). Omni.Local runs the same sweep from its <c>ReconcileTimer</c>.
/// </summary>
public sealed class ReconcileFunction(ReconcileSweep sweep, OmniOptions options)
{
    [Function("Reconcile")]
    public async Task RunAsync([TimerTrigger(ReconcileOptions.FunctionsSchedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (options.Reconcile.Enabled)
        {
            await sweep.RunAsync(cancellationToken);
        }
    }
}
