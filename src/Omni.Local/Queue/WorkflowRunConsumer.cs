using Omni.Services.Configuration;
using Omni.Services.Events;
using Omni.Services.Workflows;

namespace Omni.Local.Queue;

/// <summary>
/// Omni.Local's workflow host: starts the runs of each new event from the <c>workflow-runs</c> queue, and fires due
/// timers (follow-ups, retries, wait deadlines) by the injected <see cref="TimeProvider"/>. Runs with the normalizer
/// (<c>Omni:Normalizer:Enabled</c>, unless <c>Omni:Normalizer:RunWorkflows</c> is false); tests drive it with <see cref="DrainOnceAsync"/> and a fake clock.
/// </summary>
public sealed class WorkflowRunConsumer(
    WorkflowRunInbox queue, WorkflowRunner runner, EventStore events, OmniOptions options, ILogger<WorkflowRunConsumer> logger) : BackgroundService
{
    public const int MaxDequeueCount = 5;

    private volatile bool _queueReady;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Normalizer.Enabled || !options.Normalizer.RunWorkflows)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                handled = await DrainOnceAsync(stoppingToken);
                handled += await runner.FireDueTimersAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop survives any failure; the message is retried.
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.LogWarning(e, "The workflow runner failed; retrying");
            }

            if (handled == 0)
            {
                await Task.Delay(options.Normalizer.MaxPollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// Starts the runs of every queued event; returns how many messages it handled. The messages of a batch are handled
    /// one after the other and each is kept invisible until its turn is over (<see cref="MessageLease"/>, renewed every
    /// third of <c>Omni:Normalizer:VisibilityTimeout</c>): a slow step does not hand the rest to another worker, and a
    /// killed host's messages come back within that timeout, to resume their runs from the last saved step.
    /// </summary>
    public async Task<int> DrainOnceAsync(CancellationToken cancellationToken)
    {
        // Once per process, not once per poll: an idle runner polls every MaxPollInterval.
        if (!_queueReady)
        {
            await queue.Queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _queueReady = true;
        }

        var visibility = options.Normalizer.VisibilityTimeout;
        var batch = (await queue.Queue.ReceiveMessagesAsync(16, visibility, cancellationToken)).Value;
        var leases = batch.Select(m => new MessageLease(queue.Queue, m, visibility, logger)).ToList();
        try
        {
            foreach (var lease in leases)
            {
                await HandleOneAsync(lease, cancellationToken);
            }
        }
        finally
        {
            foreach (var lease in leases)
            {
                await lease.DisposeAsync();
            }
        }

        return batch.Length;
    }

    private async Task HandleOneAsync(MessageLease lease, CancellationToken cancellationToken)
    {
        var message = lease.Message;
        try
        {
            if (WorkflowRunInbox.Parse(message.MessageText) is { } run)
            {
                await StartRunsAsync(run, cancellationToken);
            }

            await lease.DeleteAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // shutting down: the message comes back after its visibility timeout
        }
#pragma warning disable CA1031 // One failing event is retried, then moved to the poison queue; it never stops the others.
        catch (Exception e)
#pragma warning restore CA1031
        {
            if (message.DequeueCount >= MaxDequeueCount)
            {
                logger.LogError(e, "Starting the workflows of {Message} failed {Count} times; moving it to the poison queue", message.MessageText, message.DequeueCount);
                await queue.PoisonQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                await queue.PoisonQueue.SendMessageAsync(message.MessageText, cancellationToken);
                await lease.DeleteAsync(cancellationToken);
            }
            else
            {
                logger.LogWarning(e, "Starting the workflows of {Message} failed (delivery {Count}); retrying in {Delay}", message.MessageText, message.DequeueCount, options.Normalizer.RetryDelay);
                await lease.ReleaseAsync(options.Normalizer.RetryDelay, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Starts the runs of each event the message names. When some events of a shared message fail, each of those is
    /// enqueued again as a message of its own (retried and, in the end, moved to the poison queue by itself) and the
    /// shared message counts as handled; a failing message of one event throws, to be retried.
    /// </summary>
    private async Task StartRunsAsync(WorkflowRunMessage run, CancellationToken cancellationToken)
    {
        var failed = new List<(string EventId, Exception Error)>();
        foreach (var eventId in run.Events)
        {
            try
            {
                if (await events.GetStoredAsync(eventId, cancellationToken) is { } evt)
                {
                    await runner.StartAsync(evt, cancellationToken, run.WorkflowId);
                }
            }
            catch (Exception e) when (run.Events.Count > 1 && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                failed.Add((eventId, e));
            }
        }

        foreach (var (eventId, error) in failed)
        {
            logger.LogWarning(error, "Starting the workflows of event {EventId} (one of {Count} in a message) failed; retrying it in a message of its own", eventId, run.Events.Count);
            await queue.EnqueueAsync(run.For(eventId), cancellationToken);
        }
    }
}
