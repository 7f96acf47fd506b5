using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Omni.Relay.Delivery;
using Omni.Relay.Discord;
using Omni.Relay.Gateway;

namespace Omni.Relay.Backfill;

/// <summary>
/// Fills the gap a lost session leaves: for each channel the shard had seen, fetches the messages after the last one it
/// saw (<c>GET /channels/{id}/messages?after=</c>, oldest first, at most
/// <see cref="RelayOptions.BackfillMaxMessagesPerChannel"/>) and buffers each as a synthetic MESSAGE_CREATE frame
/// (<see cref="SyntheticFrame"/>), to be forwarded like any dispatch. Overlaps with what the new session delivers are
/// harmless: Omni's event id for a message is its id, whichever frame carried it. Only messages can be recovered this
/// way; edits, deletes and reactions of the gap are not (Discord has no REST history of them): the gap is logged.
/// </summary>
public sealed class Backfiller
{
    private readonly string _instance;
    private readonly DiscordRestClient _rest;
    private readonly FrameBuffer _buffer;
    private readonly RelayOptions _options;
    private readonly RelayMetrics _metrics;
    private readonly ILogger _logger;

    public Backfiller(string instance, DiscordRestClient rest, FrameBuffer buffer, RelayOptions options, RelayMetrics metrics, ILogger logger)
    {
        _instance = instance;
        _rest = rest;
        _buffer = buffer;
        _options = options;
        _metrics = metrics;
        _logger = logger;
    }

    /// <param name="marks">The channels and their last seen message ids, as they were when the session was lost.</param>
    /// <param name="see">Raises a channel's mark as messages are buffered (the shard's state).</param>
    public async Task RunAsync(IReadOnlyDictionary<string, ChannelMark> marks, Action<string, string, string?> see, CancellationToken cancellationToken)
    {
        var total = 0;
        foreach (var (channelId, mark) in marks.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            var after = mark.LastMessageId;
            var fetched = 0;
            try
            {
                while (fetched < _options.BackfillMaxMessagesPerChannel)
                {
                    var limit = Math.Min(100, _options.BackfillMaxMessagesPerChannel - fetched);
                    var messages = await _rest.GetMessagesAfterAsync(channelId, after, limit, cancellationToken).ConfigureAwait(false);
                    foreach (var message in messages)
                    {
                        var id = message["id"]!.GetValue<string>();
                        var frame = SyntheticFrame.MessageCreate(message, mark.GuildId, channelId, mark.LastMessageId);
                        await _buffer.AppendWaitingAsync(SyntheticFrame.WebhookId(channelId, id), frame, cancellationToken).ConfigureAwait(false);
                        see(channelId, id, mark.GuildId);
                        after = Snowflake.Compare(id, after) > 0 ? id : after;
                    }

                    fetched += messages.Count;
                    if (messages.Count < limit)
                    {
                        break;
                    }
                }
            }
            catch (HttpRequestException e)
            {
                // 403/404: the bot lost access or the channel is gone; the other channels still get their backfill.
                _logger.LogWarning("Backfill of channel {ChannelId} for {Instance} stopped: {Error}", channelId, _instance, e.Message);
            }

            if (fetched >= _options.BackfillMaxMessagesPerChannel)
            {
                _logger.LogWarning(
                    "Backfill of channel {ChannelId} for {Instance} reached its cap of {Cap} messages; messages after {After} remain unfetched",
                    channelId, _instance, _options.BackfillMaxMessagesPerChannel, after);
            }

            total += fetched;
        }

        _metrics.Backfilled(_instance, total);
        _logger.LogInformation("Backfill for {Instance}: {Count} messages from {Channels} channels", _instance, total, marks.Count);
    }
}

/// <summary>
/// The frame a backfilled message is forwarded as: a dispatch <c>{ op: 0, t: "MESSAGE_CREATE", s: null, d }</c> whose
/// <c>d</c> is the REST message object (with the channel's <c>guild_id</c> added, which REST leaves out), plus a top-level
/// <c>omni_relay</c> object the normalizer does not read: <c>{ "backfill": true, "after": "&lt;last id seen before the gap&gt;" }</c>.
/// <c>s</c> is null because no session numbered it. Its webhook id is <c>bf_{channel}_{message}</c>.
/// </summary>
public static class SyntheticFrame
{
    public static string WebhookId(string channelId, string messageId) => $"bf_{channelId}_{messageId}";

    public static byte[] MessageCreate(JsonObject message, string? guildId, string channelId, string after)
    {
        message["channel_id"] ??= channelId;
        if (guildId is not null)
        {
            message["guild_id"] ??= guildId;
        }

        var frame = new JsonObject
        {
            ["op"] = GatewayOpcodes.Dispatch,
            ["t"] = "MESSAGE_CREATE",
            ["s"] = null,
            ["d"] = message,
            ["omni_relay"] = new JsonObject { ["backfill"] = true, ["after"] = after },
        };
        return System.Text.Encoding.UTF8.GetBytes(frame.ToJsonString());
    }
}
