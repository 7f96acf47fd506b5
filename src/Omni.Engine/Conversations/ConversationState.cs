using System.Text.Json;
using Omni.Engine.Json;

namespace Omni.Engine.Conversations;

/// <summary>
/// A conversation's reply state as workflows read it (<c>conversation.*</c> in <c>when</c> / <c>unless</c>): the same
/// fields, from the same <see cref="ConversationSummary"/> fold, that agents read (decision 27), so there is one rule for
/// "awaiting reply" and "reply debt". Hosts read the summary in an activity and record this JSON in the run's history,
/// so a replay decides on what was read, never on the store as it is later.
/// </summary>
public sealed record ConversationState(
    DateTimeOffset? LastInboundAt,
    DateTimeOffset? LastOutboundAt,
    bool AwaitingReply,
    DateTimeOffset? AwaitingSince,
    bool ReplyDebt,
    DateTimeOffset? ReplyDebtSince,
    int UnreadCount,
    int OpenQuestions)
{
    /// <summary>The fields <c>conversation.&lt;field&gt;</c> may name.</summary>
    public static IReadOnlyList<string> Fields { get; } =
        ["last_inbound_at", "last_outbound_at", "awaiting_reply", "awaiting_since", "reply_debt", "reply_debt_since", "unread_count", "open_questions"];

    /// <summary>The state of a conversation with no summary yet (no message counted): nothing in, nothing out.</summary>
    public static ConversationState Empty { get; } = new(null, null, false, null, false, null, 0, 0);

    public static ConversationState Of(ConversationSummary? summary) => summary is null
        ? Empty
        : new(summary.LastInboundAt, summary.LastOutboundAt, summary.AwaitingReply, summary.AwaitingSince, summary.ReplyDebt, summary.ReplyDebtSince,
            summary.UnreadCount, summary.OpenQuestions.Count);

    /// <summary>As recorded in history and read by conditions: snake_case, times as ISO-8601 UTC strings, absent times null.</summary>
    public JsonElement ToJson()
    {
        var json = JsonSerializer.SerializeToNode(this, OmniJson.Options)!.AsObject();
        foreach (var field in Fields.Where(f => !json.ContainsKey(f)))
        {
            json[field] = null;
        }

        return JsonSerializer.SerializeToElement(json);
    }
}
