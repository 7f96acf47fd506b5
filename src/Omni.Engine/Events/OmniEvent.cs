using System.Text.Json;

namespace Omni.Engine.Events;

/// <summary>
/// One provider-neutral event on the Omni timeline. Serialized snake_case (see <see cref="Json.OmniJson"/>);
/// times are UTC. Fields a provider does not carry stay null (or false for flags).
/// </summary>
public sealed record OmniEvent
{
    /// <summary>Deterministic id derived from the idempotency key; see <see cref="EventKey"/>.</summary>
    public required string EventId { get; init; }

    /// <summary>The messaging network: whatsapp, discord, telegram, slack, webhook.</summary>
    public required string Channel { get; init; }

    /// <summary>The adapter that delivered it: evolution, discord, telegram, slack, webhook.</summary>
    public required string Provider { get; init; }

    /// <summary>The configured connection (one WhatsApp number, one bot) named in the webhook URL.</summary>
    public required string Instance { get; init; }

    public required string EventKind { get; init; }

    public required string ContentType { get; init; }

    /// <summary>The provider's own id for the event (message id, or a content hash where it has none).</summary>
    public required string ProviderEventId { get; init; }

    /// <summary>The provider's event name, e.g. <c>messages.upsert</c>.</summary>
    public string? ProviderEventType { get; init; }

    /// <summary>Event name plus inner message type, e.g. <c>messages.upsert/stickerMessage</c>: the catalogue's unit.</summary>
    public string? Shape { get; init; }

    public string? ProviderMessageId { get; init; }
    public string? ConversationId { get; init; }
    public string? SenderHandle { get; init; }
    public string? SenderName { get; init; }

    /// <summary>Resolved by the identity registry; null until it runs.</summary>
    public string? IdentityId { get; init; }

    public bool FromMe { get; init; }
    public bool IsForwarded { get; init; }
    public bool IsViewOnce { get; init; }
    public bool IsGroup { get; init; }
    public bool IsEphemeral { get; init; }

    public string? Text { get; init; }

    public string? MediaMimeType { get; init; }
    public long? MediaSizeBytes { get; init; }
    public double? MediaDurationSeconds { get; init; }
    public string? MediaFileName { get; init; }
    public string? MediaUrl { get; init; }

    public string? ReplyToMessageId { get; init; }
    public string? TargetMessageId { get; init; }
    public string? ReactionEmoji { get; init; }

    /// <summary>Receipt status (delivered, read, played, ...), presence state, connection state, poll selection, group action: the kind's own detail.</summary>
    public string? Status { get; init; }

    /// <summary>
    /// For a change of a group's members (kind <c>group</c>): the handles of the members it is about (added, removed,
    /// promoted, demoted). The sender is who made the change, when the provider says so.
    /// </summary>
    public IReadOnlyList<string>? Participants { get; init; }

    /// <summary>
    /// The handles a message mentions, in the provider's sender-handle form (a WhatsApp JID, a Discord / Slack / Telegram
    /// user id; a Telegram <c>@username</c> as written when the message names no id), in order, once each; null when none.
    /// </summary>
    public IReadOnlyList<string>? Mentions { get; init; }

    /// <summary>The instance's own account is among <see cref="Mentions"/> (the WhatsApp owner, the bot user).</summary>
    public bool MentionsMe { get; init; }

    public DateTimeOffset? OccurredAt { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Name of the archived raw payload blob this event was normalized from.</summary>
    public required string RawBlob { get; init; }

    /// <summary>
    /// The version of the provider's normalizer that made this event (<see cref="Normalization.IPayloadNormalizer.Version"/>),
    /// stamped when it is stored; null on events stored before versions existed (read as version 0).
    /// </summary>
    public int? NormalizerVersion { get; init; }

    /// <summary>The provider's own JSON for this event, with inline base64 media stripped.</summary>
    public JsonElement? ProviderMetadata { get; init; }

    /// <summary>True in a bounded view (<see cref="EventLimits.Bound"/>) whose <see cref="Text"/> was cut; null otherwise.</summary>
    public bool? TextTruncated { get; init; }

    /// <summary>The whole text's length (UTF-16 code units) when <see cref="TextTruncated"/>; null otherwise.</summary>
    public int? TextLength { get; init; }

    /// <summary>In a bounded view: the fields it cut or left out (JSON names); null for the whole event.</summary>
    public IReadOnlyList<string>? TruncatedFields { get; init; }

    /// <summary>True for a bounded view that is not the whole event (read the whole one by its id).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsTruncated => TruncatedFields is { Count: > 0 };
}
