namespace Omni.Engine.Normalization.Webhook;

/// <summary>
/// How a generic webhook instance's payloads map onto event fields: one JSON Pointer per field (RFC 6901, e.g.
/// <c>/data/from</c>), each optional except <see cref="Conversation"/>. A payload whose conversation pointer names no
/// text or number cannot be read by the mapping: it becomes an <c>unknown</c> event.
/// </summary>
public sealed record WebhookMapping
{
    /// <summary>The conversation (a phone number, a ticket, a form): required.</summary>
    public string? Conversation { get; init; }

    public string? Sender { get; init; }

    public string? SenderName { get; init; }

    public string? Text { get; init; }

    /// <summary>An ISO-8601 time, or Unix seconds (milliseconds above 10^11).</summary>
    public string? OccurredAt { get; init; }

    /// <summary>An Omni event kind (<c>message</c>, <c>reaction</c>, ...); absent: <c>message</c>; another value: <c>unknown</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>The sender's id for the message (an SMS id): <c>provider_message_id</c>.</summary>
    public string? MessageId { get; init; }

    /// <summary>The mapping's pointers by field name (the event field each one fills).</summary>
    public IEnumerable<(string Field, string? Pointer)> Pointers =>
    [
        ("conversation_id", Conversation), ("sender_handle", Sender), ("sender_name", SenderName), ("text", Text),
        ("occurred_at", OccurredAt), ("event_kind", Kind), ("provider_message_id", MessageId),
    ];

    /// <summary>Every problem with the mapping, in words an operator can act on; empty when it is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(Conversation))
        {
            problems.Add("Conversation is required (a JSON Pointer to the conversation id, e.g. /from)");
        }

        foreach (var (field, pointer) in Pointers)
        {
            if (pointer is not null && JsonPointer.Problem(pointer) is { } problem)
            {
                problems.Add($"{field}: {problem}");
            }
        }

        return problems;
    }
}
