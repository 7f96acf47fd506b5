using System.Globalization;
using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Evolution;

/// <summary>
/// Events about state rather than messages: connection and QR updates, presence, contacts, groups, calls, and
/// the fallback for every other event name. None of them carries message content, so their content_type is
/// <c>unknown</c> (contacts: <c>contact</c>) and their text is null. Except calls, WhatsApp gives them no id: their
/// provider_event_id is <see cref="EvolutionEventFactory.ContentId"/>.
/// </summary>
internal static class EvolutionStateMapper
{
    /// <summary>connection.update <c>{ instance, state: open|connecting|close|refused, statusReason, wuid? }</c>.</summary>
    public static OmniEvent Connection(EvolutionEnvelope envelope, JsonElement item) =>
        EvolutionEventFactory.Create(
            envelope, EventKinds.Connection, ContentTypes.Unknown, EvolutionEventFactory.ContentId(envelope, item), item) with
        {
            Status = Lower(item.NonBlank("state")),
        };

    /// <summary>
    /// qrcode.updated <c>{ qrcode: { instance, pairingCode, code, base64 } }</c> (or a "limit reached" notice):
    /// the instance is waiting to be paired. Status "qrcode"; the QR image is stripped from the metadata.
    /// </summary>
    public static OmniEvent QrCode(EvolutionEnvelope envelope, JsonElement item) =>
        EvolutionEventFactory.Create(
            envelope, EventKinds.Connection, ContentTypes.Unknown, EvolutionEventFactory.ContentId(envelope, item), item) with
        {
            Status = "qrcode",
        };

    /// <summary>
    /// presence.update <c>{ id: chat, presences: { jid: { lastKnownPresence, lastSeen? } } }</c>: one event per
    /// person in <c>presences</c> (a group can report several), status = available, unavailable, composing,
    /// recording or paused. lastSeen is when they were last online, not when this happened: occurred_at is null.
    /// </summary>
    public static IReadOnlyList<OmniEvent> Presence(EvolutionEnvelope envelope, JsonElement item)
    {
        var chat = WaJid.Normalize(item.Str("id"));
        var contentId = EvolutionEventFactory.ContentId(envelope, item);
        var presences = item.Obj("presences")?.EnumerateObject().ToList() ?? [];
        if (presences.Count == 0)
        {
            return [PresenceEvent(envelope, item, contentId, chat, sender: null, status: null)];
        }

        return presences
            .Select(presence => PresenceEvent(
                envelope,
                item,
                contentId + ":" + presence.Name,
                chat,
                WaJid.Normalize(presence.Name),
                Lower(presence.Value.NonBlank("lastKnownPresence"))))
            .ToList();
    }

    private static OmniEvent PresenceEvent(
        EvolutionEnvelope envelope, JsonElement item, string providerEventId, string? chat, string? sender, string? status) =>
        EvolutionEventFactory.Create(envelope, EventKinds.Presence, ContentTypes.Unknown, providerEventId, item) with
        {
            ConversationId = chat,
            SenderHandle = sender,
            FromMe = sender is not null && sender == envelope.OwnerJid,
            IsGroup = WaJid.IsGroup(chat),
            Status = status,
        };

    /// <summary>
    /// contacts.upsert / contacts.update: v2 <c>{ remoteJid, pushName, profilePicUrl, instanceId }</c>, v1
    /// <c>{ id, pushName|name, profilePictureUrl, owner }</c>. The contact's address is both the handle the event
    /// describes and the chat with them. Groups also arrive here (a renamed group, a new group picture): a group
    /// is a conversation, not a person, so its JID is only the conversation_id.
    /// </summary>
    public static OmniEvent Contact(EvolutionEnvelope envelope, JsonElement item)
    {
        var jid = WaJid.Normalize(item.Str("remoteJid") ?? item.Str("id"));
        var isGroup = WaJid.IsGroup(jid);
        var name = item.NonBlank("pushName") ?? item.NonBlank("name") ?? item.NonBlank("notify") ?? item.NonBlank("verifiedName");
        return EvolutionEventFactory.Create(
            envelope, EventKinds.Contact, ContentTypes.Contact, EvolutionEventFactory.ContentId(envelope, item), item) with
        {
            ConversationId = jid,
            SenderHandle = isGroup ? null : jid,
            SenderName = isGroup ? null : name,
            FromMe = !isGroup && jid is not null && jid == envelope.OwnerJid,
            IsGroup = isGroup,
        };
    }

    /// <summary>
    /// groups.upsert (the instance joined or created a group: full metadata) and groups.update (a partial change,
    /// e.g. <c>{ id, subject }</c> or <c>{ id, announce }</c>, with <c>author</c> when WhatsApp names who did it).
    /// Status "upsert" or "update"; what changed stays in provider_metadata.
    /// </summary>
    public static OmniEvent Group(EvolutionEnvelope envelope, JsonElement item)
    {
        var author = WaJid.PreferPhone(item.Str("author"), item.Str("authorPn"));
        return EvolutionEventFactory.Create(
            envelope, EventKinds.Group, ContentTypes.Unknown, EvolutionEventFactory.ContentId(envelope, item), item) with
        {
            ConversationId = WaJid.Normalize(item.Str("id")),
            SenderHandle = author,
            FromMe = author is not null && author == envelope.OwnerJid,
            IsGroup = true,
            Status = envelope.EventName == EvolutionEventNames.GroupsUpsert ? "upsert" : "update",
        };
    }

    /// <summary>
    /// group-participants.update <c>{ id: group, participants: [jid | { id, phoneNumber?, admin? }], action,
    /// author? }</c>: one event per participant (ids stay stable per person), whose <c>participants</c> names the member
    /// the change is about and whose sender is the member who made it (<c>author</c>); without an author (a member who
    /// left on their own) the participant is the sender. Status = add, remove, promote, demote, modify.
    /// </summary>
    public static IReadOnlyList<OmniEvent> Participants(EvolutionEnvelope envelope, JsonElement item)
    {
        var contentId = EvolutionEventFactory.ContentId(envelope, item);
        var participants = item.Arr("participants")?.EnumerateArray()
            .Select(ParticipantJid)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList() ?? [];
        if (participants.Count == 0)
        {
            return [ParticipantEvent(envelope, item, contentId, participant: null)];
        }

        return participants.Select(participant => ParticipantEvent(envelope, item, contentId + ":" + participant, participant)).ToList();
    }

    private static string? ParticipantJid(JsonElement participant) =>
        participant.ValueKind switch
        {
            JsonValueKind.String => WaJid.Normalize(participant.GetString()),
            JsonValueKind.Object => WaJid.PreferPhone(participant.Str("id") ?? participant.Str("jid"), participant.Str("phoneNumber")),
            _ => null,
        };

    private static OmniEvent ParticipantEvent(EvolutionEnvelope envelope, JsonElement item, string providerEventId, string? participant)
    {
        var sender = AuthorOf(item) ?? participant;
        return EvolutionEventFactory.Create(envelope, EventKinds.Group, ContentTypes.Unknown, providerEventId, item) with
        {
            ConversationId = WaJid.Normalize(item.Str("id")),
            SenderHandle = sender,
            FromMe = sender is not null && sender == envelope.OwnerJid,
            IsGroup = true,
            Status = Lower(item.NonBlank("action")),
            Participants = participant is null ? null : [participant],
        };
    }

    /// <summary>The member who made a group change: <c>author</c> as a JID, or an object with <c>id</c>/<c>phoneNumber</c>.</summary>
    private static string? AuthorOf(JsonElement item) => item.Prop("author") is { } author ? ParticipantJid(author) : null;

    /// <summary>
    /// call: Baileys' WACallEvent <c>{ chatId, from, id, date, isVideo, isGroup, groupJid?, status, offline }</c>,
    /// status = offer, ringing, timeout, reject, accept, terminate. One call produces several events, so the id is
    /// <c>{call id}:{status}</c>. <c>date</c> is WhatsApp's own time of the call (a real UTC time, serialized from a
    /// JavaScript Date).
    /// </summary>
    public static OmniEvent Call(EvolutionEnvelope envelope, JsonElement item)
    {
        var status = Lower(item.NonBlank("status"));
        var callId = item.NonBlank("id");
        var from = WaJid.Normalize(item.Str("from"));
        var chat = WaJid.Normalize(item.Str("groupJid") ?? item.Str("chatId")) ?? from;
        var providerEventId = callId is null
            ? EvolutionEventFactory.ContentId(envelope, item)
            : callId + ":" + (status ?? "unknown");
        return EvolutionEventFactory.Create(envelope, EventKinds.Call, ContentTypes.Unknown, providerEventId, item) with
        {
            ConversationId = chat,
            SenderHandle = from,
            FromMe = from is not null && from == envelope.OwnerJid,
            IsGroup = item.IsTrue("isGroup") || WaJid.IsGroup(chat),
            Status = status,
            OccurredAt = CallTime(item.Prop("date")),
        };
    }

    private static DateTimeOffset? CallTime(JsonElement? date) =>
        date switch
        {
            { ValueKind: JsonValueKind.String } text when DateTimeOffset.TryParse(
                text.GetString(),
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out var parsed) => parsed,
            { ValueKind: JsonValueKind.Number or JsonValueKind.Object } number =>
                WaNumbers.FromUnixSeconds(WaNumbers.ReadInt64(number)),
            _ => null,
        };

    /// <summary>Any other event (chats.*, labels.*, messages.set, ...) or item: kept whole, as unknown.</summary>
    public static OmniEvent Unknown(EvolutionEnvelope envelope, JsonElement item) =>
        EvolutionEventFactory.Create(
            envelope, EventKinds.Unknown, ContentTypes.Unknown, EvolutionEventFactory.ContentId(envelope, item), item);

    /// <summary>
    /// An envelope whose <c>data</c> is missing, null or a scalar: the envelope itself is the event's JSON, minus
    /// the <c>apikey</c> Evolution puts in every webhook.
    /// </summary>
    public static OmniEvent UnknownEnvelope(EvolutionEnvelope envelope) =>
        EvolutionEventFactory.Create(
            envelope,
            EventKinds.Unknown,
            ContentTypes.Unknown,
            EvolutionEventFactory.ContentId(envelope, envelope.Root),
            InlineMediaStripper.Strip(envelope.Root, dropTopLevelProperty: "apikey"));

    private static string? Lower(string? value) => value?.Trim().ToLowerInvariant();
}
