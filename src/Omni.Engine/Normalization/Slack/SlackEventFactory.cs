using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Slack;

/// <summary>
/// What every event of one callback shares: the payload, the envelope's <c>event_id</c> and <c>api_app_id</c>, the
/// inner event's type (<c>message</c>, <c>reaction_added</c>, ...) and who our bot is: the configured bot user id, and the
/// envelope's own <c>authorizations</c> (the installation the event was delivered for; <c>is_bot</c> names our bot user).
/// </summary>
internal sealed record SlackContext(RawPayload Payload, string? EventId, string? AppId, string? EventType, string? BotUserId, string? AuthorizedBotUserId)
{
    /// <summary>
    /// Our bot's message: posted by our app (<c>app_id</c> or <c>bot_profile.app_id</c> = the envelope's <c>api_app_id</c>),
    /// or by our bot user (configured, or the bot the delivery is authorized as).
    /// </summary>
    public bool IsMe(JsonElement message, string? user)
    {
        var appId = message.NonBlank("app_id") ?? message.Obj("bot_profile")?.NonBlank("app_id");
        return (appId is not null && appId == AppId)
               || (user is not null && (user == BotUserId || user == AuthorizedBotUserId));
    }

    public bool IsMe(string? user) => user is not null && (user == BotUserId || user == AuthorizedBotUserId);
}

/// <summary>
/// Builds Slack events: the deterministic id, provenance, and <c>provider_metadata</c> (the inner event object, then
/// <c>event_id</c>, <c>team_id</c>, <c>api_app_id</c> and what Omni derived; the envelope's verification <c>token</c>
/// never). <c>provider_event_id</c>: a message is <c>{channel}:{ts}</c>, so Slack's retries, and the same message
/// delivered as both <c>message</c> and <c>app_mention</c>, are one event; every other event is Slack's <c>event_id</c>,
/// which a retry (<c>X-Slack-Retry-Num</c>) keeps.
/// </summary>
internal static class SlackEventFactory
{
    public const string Provider = "slack";

    public static OmniEvent Create(
        SlackContext context, JsonElement envelope, string eventKind, string contentType, string? providerEventId, string? shapeDetail,
        JsonElement? source, ProviderMetadata.Added? added = null)
    {
        var metadata = new ProviderMetadata.Added()
            .Text("event_id", context.EventId)
            .Text("team_id", envelope.NonBlank("team_id"))
            .Text("api_app_id", context.AppId);
        foreach (var (name, value) in added?.Values ?? [])
        {
            metadata.Node(name, value);
        }

        var id = providerEventId ?? context.EventId ?? EventKey.ContentHash(context.EventType + "\n" + (source is { } s ? s.GetRawText() : "null"));
        return EventHeader.Create(context.Payload, Provider, Channels.Slack, eventKind, contentType, id, context.EventType,
            ShapeOf(context.EventType, shapeDetail), ProviderMetadata.Compose(source, metadata, ["token"]));
    }

    /// <summary><c>message/file_share</c>, <c>message/message_changed</c>; the event type alone otherwise.</summary>
    public static string? ShapeOf(string? eventType, string? detail) =>
        (eventType, detail) switch
        {
            (null, null or "") => null,
            (null, _) => detail,
            (_, null or "") => eventType,
            _ => eventType + "/" + detail,
        };
}
