using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Discord;

/// <summary>
/// Events about state rather than messages: typing and presence, guild members and threads (kind <c>group</c>), the
/// gateway session (READY, RESUMED and the non-dispatch opcodes a relay might forward) and everything else, kept as
/// <c>unknown</c>. None carries message content: content_type <c>unknown</c>, text null.
/// </summary>
internal static class DiscordStateMapper
{
    /// <summary>
    /// TYPING_START <c>{ channel_id, guild_id?, user_id, timestamp (Unix seconds), member? }</c>: presence
    /// <c>composing</c> (the word WhatsApp presence uses), id <c>{channel}:{user}:typing:{timestamp}</c>.
    /// </summary>
    public static OmniEvent Typing(DiscordContext context, JsonElement item)
    {
        var channel = item.Id("channel_id");
        var user = item.Id("user_id") ?? item.Obj("member")?.UserId("user");
        var timestamp = item.Int64("timestamp");
        var providerEventId = channel is not null && user is not null && timestamp is not null
            ? string.Join(":", channel, user, "typing", timestamp.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : DiscordEventFactory.ContentId(context, item);
        return DiscordEventFactory.Create(context, EventKinds.Presence, ContentTypes.Unknown, providerEventId, null, item) with
        {
            ConversationId = channel,
            SenderHandle = user,
            SenderName = DiscordJson.DisplayName(item.Obj("member")?.Obj("user")),
            FromMe = context.IsMe(user),
            IsGroup = item.Id("guild_id") is not null,
            Status = "composing",
            OccurredAt = DiscordJson.UnixSeconds(timestamp),
        };
    }

    /// <summary>PRESENCE_UPDATE <c>{ user: { id }, guild_id, status, activities, client_status }</c>: presence with Discord's status (online, idle, dnd, offline).</summary>
    public static OmniEvent Presence(DiscordContext context, JsonElement item)
    {
        var user = item.UserId("user");
        return DiscordEventFactory.Create(
            context, EventKinds.Presence, ContentTypes.Unknown, DiscordEventFactory.ContentId(context, item), null, item) with
        {
            SenderHandle = user,
            SenderName = DiscordJson.DisplayName(item.Obj("user")),
            FromMe = context.IsMe(user),
            IsGroup = item.Id("guild_id") is not null,
            Status = item.NonBlank("status")?.ToLowerInvariant(),
        };
    }

    /// <summary>
    /// GUILD_MEMBER_ADD / REMOVE / UPDATE (a guild member object, or <c>{ guild_id, user }</c> for a removal): group
    /// events of the guild (conversation_id = guild id), status <c>add</c>, <c>remove</c>, <c>update</c>, the member in
    /// <c>participants</c> and as the sender (Discord does not say who added, kicked or changed them). A join is keyed
    /// by its <c>joined_at</c> (<c>{guild}:member_add:{user}:{joined_at}</c>); a removal or update by its content.
    /// </summary>
    public static OmniEvent GuildMember(DiscordContext context, JsonElement item)
    {
        var guild = item.Id("guild_id");
        var user = item.Obj("user");
        var userId = user?.Id("id") ?? item.Id("user_id");
        var joinedAt = item.NonBlank("joined_at");
        var (status, isAdd) = context.EventName switch
        {
            DiscordNames.GuildMemberAdd => ("add", true),
            DiscordNames.GuildMemberRemove => ("remove", false),
            _ => ("update", false),
        };
        var providerEventId = isAdd && guild is not null && userId is not null && joinedAt is not null
            ? string.Join(":", guild, "member_add", userId, DiscordJson.TimeKey(joinedAt))
            : DiscordEventFactory.ContentId(context, item);
        return DiscordEventFactory.Create(context, EventKinds.Group, ContentTypes.Unknown, providerEventId, null, item) with
        {
            ConversationId = guild,
            SenderHandle = userId,
            SenderName = DiscordJson.DisplayName(user),
            FromMe = context.IsMe(userId),
            IsGroup = true,
            Status = status,
            Participants = userId is null ? null : [userId],
            OccurredAt = isAdd ? DiscordJson.Time(joinedAt) : null,
        };
    }

    /// <summary>
    /// THREAD_CREATE / UPDATE (a thread channel <c>{ id, guild_id, parent_id, owner_id, name, type, thread_metadata }</c>)
    /// and THREAD_DELETE <c>{ id, guild_id, parent_id, type }</c>: group events of the thread (conversation_id = thread
    /// id, <c>thread_parent_id</c> in provider_metadata), status <c>thread_create</c>, <c>thread_update</c>,
    /// <c>thread_delete</c>. A creation (also re-sent when the bot is added to a private thread) is
    /// <c>{thread}:thread_create</c> and its sender the owner; a deletion <c>{thread}:thread_delete</c>; an update is
    /// keyed by its content.
    /// </summary>
    public static OmniEvent Thread(DiscordContext context, JsonElement item)
    {
        var thread = item.Id("id");
        var (status, suffix) = context.EventName switch
        {
            DiscordNames.ThreadCreate => ("thread_create", "thread_create"),
            DiscordNames.ThreadDelete => ("thread_delete", "thread_delete"),
            _ => ("thread_update", null),
        };
        var providerEventId = thread is not null && suffix is not null
            ? thread + ":" + suffix
            : DiscordEventFactory.ContentId(context, item);
        var owner = context.EventName == DiscordNames.ThreadCreate ? item.Id("owner_id") : null;
        return DiscordEventFactory.Create(
            context,
            EventKinds.Group,
            ContentTypes.Unknown,
            providerEventId,
            null,
            item,
            new ProviderMetadata.Added().Text("thread_id", thread).Text("thread_parent_id", item.Id("parent_id"))) with
        {
            ConversationId = thread,
            SenderHandle = owner,
            FromMe = context.IsMe(owner),
            IsGroup = true,
            Status = status,
            OccurredAt = context.EventName == DiscordNames.ThreadCreate
                ? DiscordJson.Time(item.Obj("thread_metadata")?.Str("create_timestamp"))
                : null,
        };
    }

    /// <summary>
    /// THREAD_MEMBERS_UPDATE <c>{ id, guild_id, member_count, added_members?: [{ user_id, join_timestamp, member? }],
    /// removed_member_ids? }</c>: one group event per member added (<c>add</c>, keyed
    /// <c>{thread}:member_add:{user}:{join_timestamp}</c>) or removed (<c>remove</c>, keyed by the update's content and
    /// the user), with the member as participant and sender.
    /// </summary>
    public static IReadOnlyList<OmniEvent> ThreadMembers(DiscordContext context, JsonElement item)
    {
        var thread = item.Id("id");
        var contentId = DiscordEventFactory.ContentId(context, item);
        var events = new List<OmniEvent>();
        foreach (var added in item.Objects("added_members"))
        {
            var user = added.Id("user_id") ?? added.Obj("member")?.UserId("user");
            var joined = added.NonBlank("join_timestamp");
            var providerEventId = thread is not null && user is not null && joined is not null
                ? string.Join(":", thread, "member_add", user, DiscordJson.TimeKey(joined))
                : contentId + ":add:" + (user ?? events.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            events.Add(ThreadMember(context, item, providerEventId, thread, user, "add", DiscordJson.Time(joined),
                DiscordJson.DisplayName(added.Obj("member")?.Obj("user"))));
        }

        foreach (var removed in DiscordJson.Ids(item.Arr("removed_member_ids")))
        {
            events.Add(ThreadMember(context, item, contentId + ":remove:" + removed, thread, removed, "remove", null, null));
        }

        if (events.Count == 0)
        {
            events.Add(ThreadMember(context, item, contentId, thread, null, "update", null, null));
        }

        return events;
    }

    private static OmniEvent ThreadMember(
        DiscordContext context, JsonElement item, string providerEventId, string? thread, string? user, string status,
        DateTimeOffset? occurredAt, string? senderName) =>
        DiscordEventFactory.Create(
            context, EventKinds.Group, ContentTypes.Unknown, providerEventId, null, item, new ProviderMetadata.Added().Text("thread_id", thread)) with
        {
            ConversationId = thread,
            SenderHandle = user,
            SenderName = senderName,
            FromMe = context.IsMe(user),
            IsGroup = true,
            Status = status,
            Participants = user is null ? null : [user],
            OccurredAt = occurredAt,
        };

    /// <summary>
    /// READY <c>{ v, user, guilds, session_id, resume_gateway_url, shard, application }</c>: connection <c>ready</c>, one per
    /// session (<c>{session_id}:ready</c>). RESUMED (empty <c>d</c>): connection <c>resumed</c>; with nothing else to tell
    /// resumes apart, its id hashes the frame's sequence number too.
    /// </summary>
    public static OmniEvent Session(DiscordContext context, JsonElement item)
    {
        var isReady = context.EventName == DiscordNames.Ready;
        var providerEventId = isReady && item.NonBlank("session_id") is { } session
            ? session + ":ready"
            : DiscordEventFactory.ContentId(context, item, isReady ? null : SequenceText(context));
        return DiscordEventFactory.Create(context, EventKinds.Connection, ContentTypes.Unknown, providerEventId, null, item) with
        {
            Status = isReady ? "ready" : "resumed",
        };
    }

    /// <summary>
    /// A gateway frame that is not a dispatch (op ≠ 0), which the relay should not forward: RECONNECT, INVALID_SESSION and
    /// HELLO are connection events (status <c>reconnect</c>, <c>invalid_session</c>, <c>hello</c>), the rest unknown.
    /// </summary>
    public static OmniEvent ControlFrame(DiscordContext context, JsonElement frame, int op)
    {
        var status = op switch
        {
            7 => "reconnect",
            9 => "invalid_session",
            10 => "hello",
            _ => null,
        };
        return DiscordEventFactory.Create(
            context,
            status is null ? EventKinds.Unknown : EventKinds.Connection,
            ContentTypes.Unknown,
            DiscordEventFactory.ContentId(context, frame),
            null,
            frame) with
        {
            Status = status,
        };
    }

    /// <summary>A Webhook Event PING (<c>type: 0</c>): connection <c>ping</c>, keyed by the body's content.</summary>
    public static OmniEvent WebhookPing(DiscordContext context, JsonElement body) =>
        DiscordEventFactory.Create(
            context, EventKinds.Connection, ContentTypes.Unknown, DiscordEventFactory.ContentId(context, body), null, body) with
        {
            Status = "ping",
        };

    /// <summary>
    /// Any other dispatch or Webhook Event (GUILD_CREATE, CHANNEL_UPDATE, ENTITLEMENT_CREATE, ...), kept whole: kind
    /// <c>unknown</c> with its channel and <c>user_id</c> where the item names them plainly (a <c>user</c> object is
    /// not read: in GUILD_BAN_ADD it is who was banned, not who banned), keyed by its content and, for a Webhook Event,
    /// the event's time.
    /// </summary>
    public static OmniEvent Unknown(DiscordContext context, JsonElement item)
    {
        var user = item.Id("user_id");
        return DiscordEventFactory.Create(
            context, EventKinds.Unknown, ContentTypes.Unknown, DiscordEventFactory.ContentId(context, item), null, item) with
        {
            ConversationId = item.Id("channel_id"),
            SenderHandle = user,
            FromMe = context.IsMe(user),
            IsGroup = item.Id("guild_id") is not null,
            OccurredAt = DiscordJson.Time(context.EventTimestamp),
        };
    }

    private static string? SequenceText(DiscordContext context) =>
        context.Sequence?.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
