using System.Globalization;
using System.Text.Json;
using Omni.Engine.Events;

namespace Omni.Engine.Normalization.Telegram;

/// <summary>
/// What every event of one update shares: the payload (instance, blob, received time), the update's <c>update_id</c>
/// and type (<c>message</c>, <c>edited_message</c>, <c>message_reaction</c>, ...), and the instance's bot user id (for
/// <c>from_me</c>).
/// </summary>
internal sealed record TelegramContext(RawPayload Payload, long? UpdateId, string? UpdateType, string? BotUserId)
{
    public bool IsMe(string? userId) => userId is not null && BotUserId is not null && string.Equals(userId, BotUserId, StringComparison.Ordinal);

    /// <summary>The bot's username without the <c>@</c> (instance setting <c>BotUsername</c>), for <c>@username</c> mentions; null when unknown.</summary>
    public string? BotUsername { get; init; }

    /// <summary>A mention that names the bot: its user id, or <c>@</c> + its username (usernames are case-insensitive).</summary>
    public bool IsMeMentioned(string handle) =>
        IsMe(handle) || (BotUsername is not null && handle.StartsWith('@') && string.Equals(handle[1..], BotUsername, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// Builds Telegram events: the deterministic id, provenance, and <c>provider_metadata</c> (the update's object, e.g. the
/// Message, then <c>update_id</c> and what Omni derived). One update is one event: its <c>provider_event_id</c> is the
/// <c>update_id</c>, which Telegram keeps when it redelivers an update, so a retry is the same event. An object without
/// an <c>update_id</c> gets a hash of its JSON.
/// </summary>
internal static class TelegramEventFactory
{
    public const string Provider = "telegram";

    public static OmniEvent Create(
        TelegramContext context,
        string eventKind,
        string contentType,
        string? shapeDetail,
        JsonElement? source,
        ProviderMetadata.Added? added = null)
    {
        var metadata = new ProviderMetadata.Added().Number("update_id", context.UpdateId);
        foreach (var (name, value) in added?.Values ?? [])
        {
            metadata.Node(name, value);
        }

        return EventHeader.Create(context.Payload, Provider, Channels.Telegram, eventKind, contentType, ProviderEventId(context, source),
            context.UpdateType, ShapeOf(context.UpdateType, shapeDetail), ProviderMetadata.Compose(source, metadata));
    }

    /// <summary><c>message/photo</c>, <c>chat_member/kicked</c>; the update type alone otherwise.</summary>
    public static string? ShapeOf(string? updateType, string? detail) =>
        (updateType, detail) switch
        {
            (null, null or "") => null,
            (null, _) => detail,
            (_, null or "") => updateType,
            _ => updateType + "/" + detail,
        };

    private static string ProviderEventId(TelegramContext context, JsonElement? source) =>
        context.UpdateId is { } id
            ? id.ToString(CultureInfo.InvariantCulture)
            : EventKey.ContentHash(context.UpdateType + "\n" + (source is { } json ? json.GetRawText() : "null"));
}
