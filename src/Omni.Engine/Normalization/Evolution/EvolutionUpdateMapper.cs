using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Evolution;

/// <summary>
/// messages.update: a change to an existing message. Evolution v2 sends a flat item
/// <c>{ keyId, remoteJid, fromMe, participant, status, pollUpdates?, message?, instanceId, messageId? }</c>;
/// v1 sends the key spread out (<c>id</c> instead of <c>keyId</c>) with <c>datetime</c> (Evolution's clock) and
/// <c>owner</c>; a raw Baileys update is <c>{ key, update: { status?, pollUpdates?, message? } }</c>. It carries:
/// <list type="bullet">
/// <item>poll votes (<c>pollUpdates</c>), usually with the placeholder <c>status: "DELETED"</c>, which is not a
/// deletion;</item>
/// <item>edits (<c>message: { editedMessage: { message: newContent } }</c>);</item>
/// <item>receipts (<c>status</c>: SERVER_ACK, DELIVERY_ACK, READ, PLAYED).</item>
/// </list>
/// Anything else is kept as an unknown event.
/// </summary>
internal static class EvolutionUpdateMapper
{
    public static IReadOnlyList<OmniEvent> FromUpdate(EvolutionEnvelope envelope, JsonElement item)
    {
        var key = item.Obj("key") ?? item;
        var update = item.Obj("update") ?? item;
        var messageId = item.NonBlank("keyId") ?? key.NonBlank("id");
        var address = MessageAddress.From(key, envelope.OwnerJid);

        if (update.Arr("pollUpdates") is { } pollUpdates && pollUpdates.GetArrayLength() > 0)
        {
            return PollVotes(envelope, item, pollUpdates, address, messageId);
        }

        if (update.Obj("message") is { } message
            && WaMessageParser.Parse(message) is { Kind: EventKinds.MessageEdit or EventKinds.MessageDelete } change)
        {
            var content = change with { TargetMessageId = change.TargetMessageId ?? messageId };
            return
            [
                EvolutionMessageMapper.Build(
                    envelope,
                    item,
                    content,
                    address,
                    EvolutionMessageMapper.ActionEventId(content) ?? EvolutionEventFactory.ContentId(envelope, item),
                    providerMessageId: null,
                    WaNumbers.FromUnixSeconds(update.Int64("messageTimestamp")),
                    senderName: null,
                    content.InnerType),
            ];
        }

        return ReceiptStatus.Canonical(update.Prop("status")) is { } status
            ? [Receipt(envelope, item, address, messageId, status, key)]
            : [Unknown(envelope, item, address, messageId)];
    }

    /// <summary>
    /// A receipt is about one of the instance's messages (fromMe: the other side's phone acknowledged it) or about
    /// an incoming one (the instance's own account delivered/read it). sender_handle is who produced the receipt:
    /// the chat partner for a fromMe 1:1 message, the owner for an incoming message, and null for a fromMe group
    /// message (group receipts are per member and this payload does not say which). There is no own timestamp
    /// (v1's <c>datetime</c> is Evolution's clock), so occurred_at is null.
    /// provider_event_id <c>{message id}:{status}</c>: delivered and read of one message are two events.
    /// </summary>
    private static OmniEvent Receipt(
        EvolutionEnvelope envelope, JsonElement item, MessageAddress address, string? messageId, string status, JsonElement key)
    {
        var actor = !address.FromMe
            ? envelope.OwnerJid
            : address.IsGroup ? null : WaJid.PreferPhone(address.ConversationId, key.Str("remoteJidAlt"));
        var providerEventId = messageId is null ? EvolutionEventFactory.ContentId(envelope, item) : messageId + ":" + status;
        return EvolutionEventFactory.Create(envelope, EventKinds.Receipt, ContentTypes.Unknown, providerEventId, item) with
        {
            ConversationId = address.ConversationId,
            SenderHandle = actor,
            FromMe = address.FromMe,
            IsGroup = address.IsGroup,
            TargetMessageId = messageId,
            Status = status,
        };
    }

    private static List<OmniEvent> PollVotes(
        EvolutionEnvelope envelope, JsonElement item, JsonElement pollUpdates, MessageAddress address, string? pollId)
    {
        var events = new List<OmniEvent>();
        var aggregate = new List<(string Voter, List<string> Options)>();
        foreach (var pollUpdate in pollUpdates.EnumerateArray())
        {
            if (pollUpdate.Obj("pollUpdateMessageKey") is { } voteKey)
            {
                events.Add(RawVote(envelope, item, pollUpdate, voteKey, address, pollId));
            }
            else if (pollUpdate.NonBlank("name") is { } option && pollUpdate.Arr("voters") is { } voters)
            {
                AddVoters(aggregate, option, voters);
            }
        }

        events.AddRange(aggregate.Select(vote => AggregateVote(envelope, item, vote.Voter, vote.Options, address, pollId)));
        if (events.Count == 0)
        {
            // Every vote was withdrawn (or the poll's options could not be resolved): still a poll_vote, with
            // an empty selection, rather than nothing.
            events.Add(VoteEvent(envelope, item, EvolutionEventFactory.ContentId(envelope, item), address, pollId) with
            {
                Status = string.Empty,
            });
        }

        return events;
    }

    /// <summary>Inverts Evolution's tally <c>[{ name, voters: [jid] }]</c> into each voter's selected options.</summary>
    /// <remarks>
    /// The voters are filtered in the query, not with <c>if (... is not { } voter) continue;</c>: with that form, a
    /// mutant that removes the <c>continue</c> leaves <c>voter</c> unassigned (CS0165), so Stryker could not compile
    /// the method's mutants and dropped them all (docs/testing.md).
    /// </remarks>
    private static void AddVoters(List<(string Voter, List<string> Options)> aggregate, string option, JsonElement voters)
    {
        foreach (var voter in voters.EnumerateArray().Select(VoterJid).OfType<string>())
        {
            var index = aggregate.FindIndex(entry => entry.Voter == voter);
            if (index < 0)
            {
                aggregate.Add((voter, [option]));
            }
            else
            {
                aggregate[index].Options.Add(option);
            }
        }
    }

    private static string? VoterJid(JsonElement voter) =>
        WaJid.Normalize(voter.ValueKind == JsonValueKind.String ? voter.GetString() : null);

    /// <summary>
    /// One voter's current selection from Evolution's tally. The tally has no vote id or time, so the id is
    /// <c>{poll id}:{voter}:{hash of the selection}</c>: the same tally redelivered, or re-sent when someone else
    /// votes, repeats the ids (no duplicates), and a changed vote is a new event.
    /// </summary>
    private static OmniEvent AggregateVote(
        EvolutionEnvelope envelope, JsonElement item, string voter, List<string> options, MessageAddress address, string? pollId)
    {
        var selection = string.Join(", ", options);
        var providerEventId = string.Concat(
            pollId ?? EvolutionEventFactory.ContentId(envelope, item), ":", voter, ":", EventKey.ContentHash(selection));
        return VoteEvent(envelope, item, providerEventId, address, pollId) with
        {
            SenderHandle = voter,
            FromMe = voter == envelope.OwnerJid,
            Status = selection,
        };
    }

    /// <summary>
    /// A raw Baileys poll update <c>{ pollUpdateMessageKey, vote: { selectedOptions }, senderTimestampMs }</c>: the
    /// vote message has its own id, the same one a pollUpdateMessage upsert of that vote carries.
    /// </summary>
    private static OmniEvent RawVote(
        EvolutionEnvelope envelope, JsonElement item, JsonElement pollUpdate, JsonElement voteKey, MessageAddress pollAddress, string? pollId)
    {
        var voter = MessageAddress.From(voteKey, envelope.OwnerJid);
        var providerEventId = voteKey.NonBlank("id") ?? EvolutionEventFactory.ContentId(envelope, pollUpdate);
        return VoteEvent(envelope, item, providerEventId, pollAddress, pollId) with
        {
            SenderHandle = voter.SenderHandle,
            FromMe = voter.FromMe,
            Status = WaMessageParser.ReadableSelection(pollUpdate.Obj("vote")?.Arr("selectedOptions")),
            OccurredAt = WaNumbers.FromUnixMilliseconds(pollUpdate.Int64("senderTimestampMs")),
        };
    }

    private static OmniEvent VoteEvent(
        EvolutionEnvelope envelope, JsonElement item, string providerEventId, MessageAddress address, string? pollId) =>
        EvolutionEventFactory.Create(envelope, EventKinds.PollVote, ContentTypes.Poll, providerEventId, item) with
        {
            ConversationId = address.ConversationId,
            IsGroup = address.IsGroup,
            TargetMessageId = pollId,
        };

    private static OmniEvent Unknown(EvolutionEnvelope envelope, JsonElement item, MessageAddress address, string? messageId) =>
        EvolutionEventFactory.Create(
            envelope, EventKinds.Unknown, ContentTypes.Unknown, EvolutionEventFactory.ContentId(envelope, item), item) with
        {
            ConversationId = address.ConversationId,
            SenderHandle = address.SenderHandle,
            FromMe = address.FromMe,
            IsGroup = address.IsGroup,
            TargetMessageId = messageId,
        };
}
