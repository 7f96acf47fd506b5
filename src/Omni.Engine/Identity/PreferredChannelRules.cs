using Omni.Engine.Events;

namespace Omni.Engine.Identity;

/// <summary>
/// One conversation a person took part in, as its summary shows it: when they last wrote there and when we last did.
/// </summary>
public sealed record ExchangeCandidate(
    string Channel, string Instance, string ConversationId, bool IsGroup, DateTimeOffset? LastInboundAt, DateTimeOffset? LastOutboundAt)
{
    /// <summary>
    /// When the last round trip in this conversation completed: the earlier of their last message and ours (both must
    /// exist). Null for a group (a group is not a channel to reach one person on) or a one-way conversation.
    /// </summary>
    public DateTimeOffset? TwoWayAt => !IsGroup && LastInboundAt is { } inbound && LastOutboundAt is { } outbound
        ? (inbound < outbound ? inbound : outbound)
        : null;
}

/// <summary>A handle of the person with the instance a direct message to it would go through (null: none configured).</summary>
public sealed record HandleTarget(string Channel, string Handle, string? Instance);

/// <summary>Where to reach a person: the channel, and when known the conversation on one instance.</summary>
public sealed record PreferredChannel(string? Channel, string Source, string? Instance = null, string? ConversationId = null, DateTimeOffset? ExchangedAt = null)
{
    /// <summary>The user set it (<c>PATCH /api/identities/{id}</c>).</summary>
    public const string Explicit = "explicit";

    /// <summary>The channel of the most recent two-way exchange.</summary>
    public const string RecentExchange = "recent_exchange";

    /// <summary>Nothing better known: the channel of the primary (else first) handle.</summary>
    public const string PrimaryHandle = "primary_handle";

    /// <summary>The identity has no handle at all.</summary>
    public const string None = "none";

    public bool HasRoute => Instance is not null && ConversationId is not null;
}

/// <summary>
/// Picks a person's preferred channel (pure): the explicit preference when there is one, else the channel of the most
/// recent two-way exchange (a 1:1 conversation in which they wrote and we wrote; its time is the earlier of the two last
/// messages, so a message nobody answered does not move the preference), else the primary handle's channel. The route
/// on the chosen channel is its most recent exchange (two-way first, then one they started), else a direct chat with
/// a handle on a channel where a 1:1 chat is addressed by the user id (WhatsApp, Telegram).
/// </summary>
public static class PreferredChannelRules
{
    /// <summary>Channels where the 1:1 conversation id is the person's own handle.</summary>
    public static bool IsDirectChatHandle(string channel) => channel is Channels.WhatsApp or Channels.Telegram;

    public static PreferredChannel Choose(string? explicitChannel, IReadOnlyList<ExchangeCandidate> exchanges, IReadOnlyList<HandleTarget> handles)
    {
        ArgumentNullException.ThrowIfNull(exchanges);
        ArgumentNullException.ThrowIfNull(handles);
        var twoWay = exchanges
            .Where(x => x.TwoWayAt is not null)
            .OrderByDescending(x => x.TwoWayAt)
            .ThenBy(x => x.Instance, StringComparer.Ordinal)
            .ThenBy(x => x.ConversationId, StringComparer.Ordinal)
            .ToList();
        if (explicitChannel is not null)
        {
            return Route(explicitChannel, PreferredChannel.Explicit, twoWay, exchanges, handles);
        }

        if (twoWay.Count > 0)
        {
            var newest = twoWay[0];
            return new PreferredChannel(newest.Channel, PreferredChannel.RecentExchange, newest.Instance, newest.ConversationId, newest.TwoWayAt);
        }

        return handles.Count == 0
            ? new PreferredChannel(null, PreferredChannel.None)
            : Route(handles[0].Channel, PreferredChannel.PrimaryHandle, twoWay, exchanges, handles);
    }

    private static PreferredChannel Route(string channel, string source, List<ExchangeCandidate> twoWay, IReadOnlyList<ExchangeCandidate> exchanges,
        IReadOnlyList<HandleTarget> handles)
    {
        if (twoWay.FirstOrDefault(x => x.Channel == channel) is { } exchanged)
        {
            return new PreferredChannel(channel, source, exchanged.Instance, exchanged.ConversationId, exchanged.TwoWayAt);
        }

        if (exchanges.Where(x => x.Channel == channel && !x.IsGroup && x.LastInboundAt is not null)
                .OrderByDescending(x => x.LastInboundAt).ThenBy(x => x.Instance, StringComparer.Ordinal).FirstOrDefault() is { } started)
        {
            return new PreferredChannel(channel, source, started.Instance, started.ConversationId);
        }

        return handles.FirstOrDefault(h => h.Channel == channel && h.Instance is not null && IsDirectChatHandle(channel)) is { } direct
            ? new PreferredChannel(channel, source, direct.Instance, direct.Handle)
            : new PreferredChannel(channel, source);
    }
}
