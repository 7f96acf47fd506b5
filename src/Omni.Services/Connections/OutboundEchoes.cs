using Microsoft.Extensions.Logging;
using Omni.Services.Ingest;

namespace Omni.Services.Connections;

/// <summary>
/// What we sent, on a provider that never delivers our own messages back (Telegram: a bot receives no update for its own
/// messages), ingested like a webhook delivery of that provider (<see cref="SentText.Echo"/>, archived and queued by
/// <see cref="IngestService"/>): the message becomes a <c>from_me</c> event of its conversation, so the timeline shows
/// it, the reply state counts it (<c>awaiting_reply</c>, <c>reply_debt</c>), <c>we_replied</c> reaches waiting runs
/// and the preferred channel sees the exchange, as on providers that echo (Evolution, Discord, Slack). Best effort: the
/// message is sent whatever happens here, so a failure to record it is logged and the send stands.
/// </summary>
public sealed class OutboundEchoes(IngestService ingest, ILogger<OutboundEchoes> logger)
{
    public async Task RecordAsync(string provider, string instance, SentText sent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sent);
        if (sent.Echo is not { } echo)
        {
            return;
        }

        try
        {
            await ingest.AcceptAsync(provider, instance, echo, "application/json", cancellationToken);
        }
#pragma warning disable CA1031 // The send succeeded; not recording it must not make the step fail (and send again).
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            logger.LogWarning("Sent message {MessageId} on {Provider} instance {Instance} is not in the timeline: ingesting its echo failed: {Error}",
                sent.MessageId, provider, instance, ex.Message);
        }
    }
}
