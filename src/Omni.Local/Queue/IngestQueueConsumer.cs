using Azure.Storage.Queues.Models;
using Omni.Services.Configuration;
using Omni.Services.Normalize;
using Omni.Services.Storage;

namespace Omni.Local.Queue;

/// <summary>
/// Omni.Local's stand-in for the Functions queue trigger on the ingest queue, with the same contract: batches of
/// messages processed in parallel, kept invisible while they are handled (<see cref="MessageLease"/>), deleted on
/// success, made visible again after <c>RetryDelay</c> on failure, and moved to <c>ingest-poison</c> after
/// <c>MaxDequeueCount</c> deliveries. A killed host's messages come back within <c>VisibilityTimeout</c> (30 s).
/// </summary>
public sealed class IngestQueueConsumer(OmniStorage storage, IngestQueueHandler handler, OmniOptions options, ILogger<IngestQueueConsumer> logger)
    : BackgroundService
{
    private readonly NormalizerOptions _settings = options.Normalizer;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_settings.Enabled)
        {
            logger.LogInformation("The ingest queue consumer is disabled (Omni:Normalizer:Enabled=false)");
            return;
        }

        var idle = TimeSpan.FromMilliseconds(50);
        while (!stoppingToken.IsCancellationRequested)
        {
            int handled;
            try
            {
                handled = await DrainOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Azure.RequestFailedException e)
            {
                logger.LogWarning(e, "Receiving from the ingest queue failed; retrying");
                handled = 0;
            }

            idle = handled > 0 ? TimeSpan.FromMilliseconds(50) : TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, _settings.MaxPollInterval.Ticks));
            if (handled == 0)
            {
                await Task.Delay(idle, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Receives one batch and handles it. Returns how many messages were received.</summary>
    public async Task<int> DrainOnceAsync(CancellationToken cancellationToken)
    {
        var batch = await storage.IngestQueue.ReceiveMessagesAsync(_settings.BatchSize, _settings.VisibilityTimeout, cancellationToken);
        var leases = batch.Value.Select(m => new MessageLease(storage.IngestQueue, m, _settings.VisibilityTimeout, logger)).ToList();
        try
        {
            await Task.WhenAll(leases.Select(l => HandleOneAsync(l, cancellationToken)));
        }
        finally
        {
            foreach (var lease in leases)
            {
                await lease.DisposeAsync();
            }
        }

        return batch.Value.Length;
    }

    private async Task HandleOneAsync(MessageLease lease, CancellationToken cancellationToken)
    {
        var message = lease.Message;
        try
        {
            await handler.HandleAsync(message.MessageText, message.DequeueCount, cancellationToken);
            await lease.DeleteAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the message becomes visible again after its timeout and is handled next start.
        }
#pragma warning disable CA1031 // Any failure of one message is contained: it is retried or poisoned, never lost.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (message.DequeueCount >= handler.MaxDequeueCount)
            {
                logger.LogError(ex, "Ingest message {MessageId} failed {Count} deliveries; moving it to the poison queue", message.MessageId, message.DequeueCount);
                await storage.IngestPoisonQueue.SendMessageAsync(message.MessageText, cancellationToken);
                await lease.DeleteAsync(cancellationToken);
            }
            else
            {
                logger.LogWarning(ex, "Ingest message {MessageId} failed (delivery {Count}); retrying in {Delay}", message.MessageId, message.DequeueCount, _settings.RetryDelay);
                await lease.ReleaseAsync(_settings.RetryDelay, cancellationToken);
            }
        }
    }
}
