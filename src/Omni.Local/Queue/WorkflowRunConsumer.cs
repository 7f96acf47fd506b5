using Omni.Services.Configuration;
using Omni.Services.Events;
using Omni.Services.Workflows;

namespace Omni.Local.Queue;

/// <summary>
/// Omni.Local's workflow host: starts the runs of each new event from the <c>workflow-runs</c> queue, and fires due
/// timers (follow-ups, retries, wait deadlines) by the injected <see cref="TimeProvider"/>. Runs with the normalizer
/// (<c>Omni:Normalizer:Enabled</c>); tests drive it with <see cref="DrainOnceAsync"/> and a fake clock.
/// </summary>
public sealed class WorkflowRunConsumer(
    WorkflowRunInbox queue, WorkflowRunner runner, EventStore events, OmniOptions options, ILogger<WorkflowRunConsumer> logger) : BackgroundService
{
    public const int MaxDequeueCount = 5;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Normalizer.Enabled)
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

    /// <summary>Starts the runs of every queued event; returns how many messages it handled.</summary>
    public async Task<int> DrainOnceAsync(CancellationToken cancellationToken)
    {
        await queue.Queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var batch = (await queue.Queue.ReceiveMessagesAsync(16, TimeSpan.FromMinutes(5), cancellationToken)).Value;
        foreach (var message in batch)
        {
            try
            {
                if (WorkflowRunInbox.Parse(message.MessageText) is { } run && await events.GetAsync(run.EventId, cancellationToken) is { } evt)
                {
                    await runner.StartAsync(evt, cancellationToken);
                }

                await queue.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            }
#pragma warning disable CA1031 // One failing event is retried, then dropped with an error; it never stops the others.
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                logger.LogError(e, "Starting the workflows of {Message} failed (delivery {Count})", message.MessageText, message.DequeueCount);
                if (message.DequeueCount >= MaxDequeueCount)
                {
                    await queue.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                }
            }
        }

        return batch.Length;
    }
}
