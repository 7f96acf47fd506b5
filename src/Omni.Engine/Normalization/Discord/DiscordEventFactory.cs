using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Engine.Events;

namespace Omni.Engine.Normalization.Discord;

/// <summary>How a Discord payload reached Omni; recorded as <c>provider_metadata.delivery</c>.</summary>
internal static class DiscordDelivery
{
    /// <summary>A gateway frame <c>{ op, t, s, d }</c> forwarded verbatim by the relay.</summary>
    public const string Gateway = "gateway";

    /// <summary>An interaction Discord POSTed to the application's Interactions Endpoint URL.</summary>
    public const string Interaction = "interaction";

    /// <summary>A Webhook Event <c>{ version, application_id, type, event }</c> POSTed to the Webhook Events URL.</summary>
    public const string WebhookEvent = "webhook_event";
}

/// <summary>
/// What every event of one payload shares: the payload (instance, blob, received time), how it was delivered, the
/// Discord event name, the gateway sequence number (kept in the metadata, never in an id: it restarts with every
/// session), the Webhook Event's own time, and the instance's bot user id (for <c>from_me</c>).
/// </summary>
internal sealed record DiscordContext(
    RawPayload Payload,
    string Delivery,
    string? EventName,
    long? Sequence,
    string? EventTimestamp,
    string? BotUserId)
{
    public bool IsMe(string? userId) => userId is not null && BotUserId is not null && string.Equals(userId, BotUserId, StringComparison.Ordinal);
}

/// <summary>
/// Builds Discord events: the deterministic id, provenance, and <c>provider_metadata</c>, which is Discord's own object
/// for the event (the dispatch's <c>d</c>, the interaction, the Webhook Event's <c>event.data</c>) without credentials
/// (an interaction's <c>token</c>), followed by what Omni derived from it (see <see cref="ProviderMetadata"/>).
/// </summary>
internal static class DiscordEventFactory
{
    public const string Provider = "discord";

    /// <summary>Properties never copied into provider_metadata: an interaction's token answers it as the bot for 15 minutes.</summary>
    private static readonly string[] Credentials = ["token"];

    public static OmniEvent Create(
        DiscordContext context,
        string eventKind,
        string contentType,
        string providerEventId,
        string? shapeDetail,
        JsonElement? source,
        ProviderMetadata.Added? derived = null) =>
        EventHeader.Create(context.Payload, Provider, Channels.Discord, eventKind, contentType, providerEventId, context.EventName,
            ShapeOf(context.EventName, shapeDetail), Metadata(context, source, derived));

    /// <summary><c>MESSAGE_CREATE/reply</c>, <c>INTERACTION_CREATE/application_command</c>; the event name alone otherwise.</summary>
    public static string? ShapeOf(string? eventName, string? detail) =>
        (eventName, detail) switch
        {
            (null, _) => null,
            (_, null or "") => eventName,
            _ => eventName + "/" + detail,
        };

    /// <summary>
    /// The provider event id of something Discord gives no id or time of its own (a member who left, a thread's new
    /// settings, an unknown dispatch): a hash of the event name, the Webhook Event's time (if any), <paramref name="extra"/>
    /// and the item's compact JSON. A relay retry, a resumed session's replay or an archive replay carries the same
    /// item and collapses; a different state is a different event.
    /// </summary>
    public static string ContentId(DiscordContext context, JsonElement? item, string? extra = null) =>
        EventKey.ContentHash(string.Concat(
            context.EventName, "\n", context.EventTimestamp, "\n", extra, "\n", item is { } json ? DiscordJson.Compact(json) : "null"));

    private static JsonElement? Metadata(DiscordContext context, JsonElement? source, ProviderMetadata.Added? derived)
    {
        var added = new ProviderMetadata.Added()
            .Text("delivery", context.Delivery)
            .Number("gateway_sequence", context.Sequence)
            .Text("event_timestamp", context.EventTimestamp);
        foreach (var (name, value) in derived?.Values ?? [])
        {
            added.Node(name, value);
        }

        return ProviderMetadata.Compose(source, added, Credentials);
    }
}
