using Omni.Services.Configuration;
using Omni.Services.DeadLetters;
using Omni.Services.Ingest;
using Omni.Services.Operations;

namespace Omni.Services.Normalize;

/// <summary>
/// What both hosts do with one message of the ingest queue. The host owns the transport (the Functions queue
/// trigger, or Omni.Local's consumer); this owns the decisions: parse, process, and on the last allowed delivery
/// record the failure in the dead-letter table before the host moves the message to the poison queue.
/// </summary>
public sealed class IngestQueueHandler(NormalizeProcessor processor, DeadLetterStore deadLetters, OmniOptions options, NormalizerHeartbeat heartbeat)
{
    public int MaxDequeueCount => options.Normalizer.MaxDequeueCount;

    /// <summary>Returns normally when the message may be deleted; throws when it should be delivered again (or poisoned).</summary>
    public async Task<NormalizeOutcome> HandleAsync(string messageText, long dequeueCount, CancellationToken cancellationToken)
    {
        if (IngestMessage.TryParse(messageText) is not { } message)
        {
            var reason = "the queue message is not an ingest claim check: " + (messageText.Length > 500 ? messageText[..500] + "…" : messageText);
            await deadLetters.RecordAsync(new DeadLetter(null, null, null, null, "queue", reason, (int)dequeueCount, null), cancellationToken);
            return new NormalizeOutcome(0, 0, reason);
        }

        try
        {
            var outcome = await processor.ProcessAsync(message, (int)dequeueCount, cancellationToken);
            if (outcome.Added > 0)
            {
                await heartbeat.RecordAsync(cancellationToken);
            }

            return outcome;
        }
        catch (Exception ex) when (dequeueCount >= MaxDequeueCount && ex is not OperationCanceledException)
        {
            await deadLetters.RecordAsync(
                new DeadLetter(message.IngestId, message.Provider, message.Instance, message.BlobName, "poison",
                    $"failed {dequeueCount} deliveries; last error: {ex.GetType().Name}: {ex.Message}", (int)dequeueCount, message.ReceivedAt),
                cancellationToken);
            throw;
        }
    }
}
