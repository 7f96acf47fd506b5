using Omni.Engine.Events;

namespace Omni.Engine.Normalization.WhatsApp;

/// <summary>
/// What one WAProto <c>Message</c> (the <c>message</c> object of a Baileys <c>WAMessage</c>) says, in Omni terms.
/// Addressing (who, where, when) lives in the message's <c>key</c> and envelope, not here.
/// </summary>
public sealed record WaMessageContent
{
    /// <summary>
    /// <see cref="EventKinds"/>: message, message_edit, message_delete, reaction, poll_vote, or unknown for
    /// message types Omni does not interpret (they are still stored, never dropped).
    /// </summary>
    public required string Kind { get; init; }

    /// <summary><see cref="ContentTypes"/> of the content (for an edit: of the new content).</summary>
    public required string ContentType { get; init; }

    /// <summary>The content's own type after unwrapping wrappers, e.g. <c>imageMessage</c>; null for an empty message.</summary>
    public string? InnerType { get; init; }

    public string? Text { get; init; }

    public string? MediaMimeType { get; init; }
    public long? MediaSizeBytes { get; init; }
    public double? MediaDurationSeconds { get; init; }
    public string? MediaFileName { get; init; }
    public string? MediaUrl { get; init; }

    /// <summary>contextInfo.stanzaId: the message this one quotes.</summary>
    public string? ReplyToMessageId { get; init; }

    /// <summary>The message a reaction, edit, revoke or poll vote acts on; null when the content does not say.</summary>
    public string? TargetMessageId { get; init; }

    /// <summary>A reaction's emoji; "" when the reaction was removed.</summary>
    public string? ReactionEmoji { get; init; }

    /// <summary>A poll vote's selected option names joined with ", " when they are readable (Evolution decrypts them).</summary>
    public string? PollSelection { get; init; }

    public bool IsForwarded { get; init; }

    /// <summary>contextInfo.mentionedJid: the JIDs the message mentions (normalized), empty when none.</summary>
    public IReadOnlyList<string> MentionedJids { get; init; } = [];
    public bool IsViewOnce { get; init; }
    public bool IsEphemeral { get; init; }

    /// <summary>
    /// The action's own time in Unix milliseconds where the content carries one (protocolMessage.timestampMs,
    /// reaction/vote senderTimestampMs). Used when the envelope has no messageTimestamp.
    /// </summary>
    public long? ActionTimestampMs { get; init; }
}
