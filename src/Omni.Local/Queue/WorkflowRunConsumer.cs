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

    /// <summary>How long a message stays invisible while its runs start: longer than the ingest queue's, since actions call slow APIs.</summary>
    public static readonly TimeSpan VisibilityTimeout = TimeSpan.FromMinutes(5);

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
        var batch = (await queue.Queue.ReceiveMessagesAsync(16, VisibilityTimeout, cancellationToken)).Value;
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
                    await queue.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                }
                else
                {
                    logger.LogWarning(e, "Starting the workflows of {Message} failed (delivery {Count}); retrying in {Delay}", message.MessageText, message.DequeueCount, options.Normalizer.RetryDelay);
                    await queue.Queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: options.Normalizer.RetryDelay, cancellationToken: cancellationToken);
                }
            }
        }

        return batch.Length;
    }
}
