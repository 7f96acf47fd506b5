using Omni.Engine.Conversations;

namespace Omni.Services.Conversations;

/// <summary>
/// How conversations and people's reply state read in every answer (REST, MCP tools, wish): snake_case objects whose
/// event ids are the evidence (<c>last_inbound_event_id</c>, <c>open_questions[].event_id</c>).
/// </summary>
public static class ConversationViews
{
    /// <summary>A conversation with what workflows wrote about it: <c>summary</c> (<c>persist.summary</c>) and <c>tags</c> (<c>persist.tagging</c>).</summary>
    public static object Conversation(ConversationEntry c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return Conversation(c.Instance, c.Summary, c.Notes);
    }

    public static object Conversation(string instance, ConversationSummary s, ConversationNotes? notes = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        notes ??= ConversationNotes.Empty;
        return new
        {
            instance,
            conversation_id = s.ConversationId,
            channel = s.Channel,
            is_group = s.IsGroup,
            event_count = s.EventCount,
            last_event_at = s.LastEventAt,
            last_event_id = s.LastEventId,
            last_event_kind = s.LastEventKind,
            last_text = s.LastText,
            last_inbound_at = s.LastInboundAt,
            last_inbound_event_id = s.LastInboundEventId,
            last_outbound_at = s.LastOutboundAt,
            last_outbound_event_id = s.LastOutboundEventId,
            awaiting_reply = s.AwaitingReply,
            awaiting_since = s.AwaitingSince,
            reply_debt = s.ReplyDebt,
            reply_debt_since = s.ReplyDebtSince,
            unread_count = s.UnreadCount,
            open_questions = s.OpenQuestions.Select(Question),
            participant_identities = s.ParticipantIdentities,
            participant_handles = s.ParticipantHandles,
            contact_identities = s.ContactIdentities,
            contact_handles = s.ContactHandles,
            summary = notes.Summary is { } stored ? Summary(stored) : null,
            tags = notes.Tags,
        };
    }

    public static object Person(PersonState p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var r = p.State;
        return new
        {
            identity_id = p.IdentityId,
            last_inbound_at = r.LastInboundAt,
            last_outbound_at = r.LastOutboundAt,
            awaiting_reply = r.AwaitingReply,
            awaiting_since = r.AwaitingSince,
            reply_debt = r.ReplyDebt,
            reply_debt_since = r.ReplyDebtSince,
            open_questions = r.OpenQuestions.Select(Question),
            conversations = p.Conversations.Select(Conversation),
        };
    }

    public static object Page(ConversationPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return new { conversations = page.Conversations.Select(Conversation), continuation = page.Continuation };
    }

    public static object Page(PersonPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return new { people = page.People.Select(Person), continuation = page.Continuation };
    }

    private static object Summary(StoredSummary s) => new
    {
        text = s.Text,
        truncated = s.Truncated,
        at = s.At,
        run_id = s.RunId,
        workflow_id = s.WorkflowId,
        step_id = s.StepId,
        event_id = s.EventId,
    };

    private static object Question(OpenQuestion q) => new { event_id = q.EventId, at = q.At, text = q.Text };
}
