using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Discord;

/// <summary>
/// Normalizes what Discord sends a bot into Omni events (provider <c>discord</c>, channel <c>discord</c>). A body is
/// one of three things, told apart by its top-level properties:
/// <list type="bullet">
/// <item>a gateway frame <c>{ op, t, s, d }</c> that our relay read from the bot's gateway session and forwarded
/// verbatim (a dispatch is op 0, <c>t</c> its event name, <c>d</c> its data);</item>
/// <item>an interaction <c>{ type, id, token, data, ... }</c> Discord POSTed to the Interactions Endpoint URL (type 1 PING
/// is answered at ingest; should one get here it is a <c>connection</c> event);</item>
/// <item>a Webhook Event <c>{ version, application_id, type, event: { type, timestamp, data } }</c> POSTed to the
/// Webhook Events URL (type 0 is its PING).</item>
/// </list>
/// Pure: the result depends only on the payload and the configured bot user id (no clock, no I/O), so replaying an
/// archived body gives the same events with the same ids.
/// </summary>
/// <remarks>
/// <para><c>from_me</c> needs to know which user the bot is, which no payload says (READY names it once per session).
/// Pass <c>botUserIdOf</c>: the instance name → the bot's user id (the application's bot user, <c>d.user.id</c> of
/// READY), or null when it is not configured; without it <c>from_me</c> is always false. Changing it does not change
/// any event id.</para>
/// <para>Quarantined: an empty body, one that is not UTF-8 or not JSON (or nested deeper than
/// <see cref="JsonPayload.MaxDepth"/>), JSON whose top level is not an object, and an object that is none of the three
/// shapes. A Discord payload of an unknown event becomes an <c>unknown</c> event, never nothing.</para>
/// </remarks>
public sealed class DiscordNormalizer : IPayloadNormalizer
{
    private readonly Func<string, string?>? _botUserIdOf;

    public DiscordNormalizer()
        : this(null)
    {
    }

    /// <param name="botUserIdOf">The bot user id of an instance (by instance name), or null when unknown.</param>
    public DiscordNormalizer(Func<string, string?>? botUserIdOf)
    {
        _botUserIdOf = botUserIdOf;
    }

    public string Provider => DiscordEventFactory.Provider;

    /// <summary>The version of this mapping (see <see cref="IPayloadNormalizer.Version"/>): raise it when the events it makes change.</summary>
    public const int CurrentVersion = 1;

    public int Version => CurrentVersion;

    public NormalizationResult Normalize(RawPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);

        var body = JsonPayload.WithoutByteOrderMark(payload.Body);
        if (JsonPayload.IsBlank(body.Span))
        {
            return NormalizationResult.Quarantine(
                "body is empty: a Discord payload is a JSON object (a gateway frame, an interaction or a Webhook Event)");
        }

        var (parsed, problem) = JsonPayload.Parse(body);
        if (parsed is not { } document)
        {
            return NormalizationResult.Quarantine(problem!);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return NormalizationResult.Quarantine(
                    $"body is a JSON {JsonPayload.Describe(root.ValueKind)} at the top level, not a Discord payload " +
                    "(a JSON object: a gateway frame, an interaction or a Webhook Event)");
            }

            var botUserId = _botUserIdOf?.Invoke(payload.Instance) is { } id && !string.IsNullOrWhiteSpace(id) ? id.Trim() : null;
            if (IsGatewayFrame(root))
            {
                return Gateway(payload, root, botUserId);
            }

            if (IsWebhookEvent(root))
            {
                return NormalizationResult.Ok(WebhookEvent(payload, root, botUserId));
            }

            if (IsInteraction(root))
            {
                var context = new DiscordContext(payload, DiscordDelivery.Interaction, DiscordNames.InteractionCreate, null, null, botUserId);
                return NormalizationResult.Ok([DiscordInteractionMapper.Interaction(context, root)]);
            }

            return NormalizationResult.Quarantine(
                "body is a JSON object but not a Discord payload: expected a gateway frame {\"op\", \"t\", \"s\", \"d\"}, " +
                "an interaction {\"type\", \"id\", \"token\", ...} or a Webhook Event {\"version\", \"application_id\", \"type\", \"event\"}; " +
                $"it has {PropertyNames(root)}");
        }
    }

    /// <summary>A frame names its opcode; a relay that dropped <c>op</c> still sends <c>t</c> and <c>d</c>.</summary>
    private static bool IsGatewayFrame(JsonElement root) =>
        root.TryGetProperty("op", out _) || (root.Str("t") is not null && root.TryGetProperty("d", out _));

    /// <summary>A Webhook Event has an <c>event</c>; its PING is <c>{ version, application_id, type: 0 }</c> (no id, no token).</summary>
    private static bool IsWebhookEvent(JsonElement root) =>
        root.TryGetProperty("event", out _)
        || (root.Int("type") == 0 && !root.TryGetProperty("id", out _) && !root.TryGetProperty("token", out _));

    private static bool IsInteraction(JsonElement root) =>
        root.Int("type") is not null && (root.TryGetProperty("id", out _) || root.TryGetProperty("token", out _));

    private static NormalizationResult Gateway(RawPayload payload, JsonElement frame, string? botUserId)
    {
        var op = frame.Prop("op");
        if (op is { } o && (o.ValueKind != JsonValueKind.Number || !o.TryGetInt32(out _)))
        {
            return NormalizationResult.Quarantine(
                $"body is a gateway frame whose \"op\" is {DiscordJson.Compact(o)}, not an integer opcode");
        }

        var opcode = op?.GetInt32() ?? 0;
        var eventName = frame.NonBlank("t")?.Trim().ToUpperInvariant();
        var sequence = frame.Int64("s");
        if (opcode != 0)
        {
            var control = new DiscordContext(payload, DiscordDelivery.Gateway, DiscordNames.Opcode(opcode), sequence, null, botUserId);
            return NormalizationResult.Ok([DiscordStateMapper.ControlFrame(control, frame, opcode)]);
        }

        var context = new DiscordContext(payload, DiscordDelivery.Gateway, eventName, sequence, null, botUserId);
        if (eventName is null || frame.Obj("d") is not { } data)
        {
            // No event name, or data that is not an object: the frame itself is what there is to keep.
            return NormalizationResult.Ok([DiscordStateMapper.Unknown(context, frame)]);
        }

        return NormalizationResult.Ok(Dispatch(context, data));
    }

    private static IReadOnlyList<OmniEvent> Dispatch(DiscordContext context, JsonElement data) =>
        context.EventName switch
        {
            DiscordNames.MessageCreate => [DiscordMessageMapper.Created(context, data)],
            DiscordNames.MessageUpdate => [DiscordMessageMapper.Updated(context, data)],
            DiscordNames.MessageDelete or DiscordNames.MessageDeleteBulk => DiscordMessageMapper.Deleted(context, data),
            DiscordNames.MessageReactionAdd or DiscordNames.MessageReactionRemove
                or DiscordNames.MessageReactionRemoveAll or DiscordNames.MessageReactionRemoveEmoji =>
                [DiscordReactionMapper.Reaction(context, data)],
            DiscordNames.TypingStart => [DiscordStateMapper.Typing(context, data)],
            DiscordNames.PresenceUpdate => [DiscordStateMapper.Presence(context, data)],
            DiscordNames.GuildMemberAdd or DiscordNames.GuildMemberRemove or DiscordNames.GuildMemberUpdate =>
                [DiscordStateMapper.GuildMember(context, data)],
            DiscordNames.ThreadCreate or DiscordNames.ThreadUpdate or DiscordNames.ThreadDelete => [DiscordStateMapper.Thread(context, data)],
            DiscordNames.ThreadMembersUpdate => DiscordStateMapper.ThreadMembers(context, data),
            DiscordNames.InteractionCreate => [DiscordInteractionMapper.Interaction(context, data)],
            DiscordNames.Ready or DiscordNames.Resumed => [DiscordStateMapper.Session(context, data)],
            _ => [DiscordStateMapper.Unknown(context, data)],
        };

    /// <summary>
    /// A Webhook Event: PING (type 0), or <c>event: { type, timestamp, data }</c>. The Social SDK's message events map like
    /// the gateway's (a lobby is a group conversation, a game DM is not); the others (APPLICATION_AUTHORIZED,
    /// ENTITLEMENT_CREATE, QUEST_USER_ENROLLMENT, ...) are unknown. <c>event.timestamp</c> is when Discord emitted it: in
    /// provider_metadata, in the ids of events without ids of their own, and the time of deletes and unknown events.
    /// </summary>
    private static IReadOnlyList<OmniEvent> WebhookEvent(RawPayload payload, JsonElement root, string? botUserId)
    {
        if (root.Int("type") == 0)
        {
            var ping = new DiscordContext(payload, DiscordDelivery.WebhookEvent, DiscordNames.WebhookPing, null, null, botUserId);
            return [DiscordStateMapper.WebhookPing(ping, root)];
        }

        var envelope = root.Obj("event");
        var context = new DiscordContext(
            payload,
            DiscordDelivery.WebhookEvent,
            envelope?.NonBlank("type")?.Trim().ToUpperInvariant(),
            null,
            envelope?.NonBlank("timestamp"),
            botUserId);
        if (envelope is not { } e || e.Obj("data") is not { } data)
        {
            return [DiscordStateMapper.Unknown(context, envelope ?? root)];
        }

        return context.EventName switch
        {
            DiscordNames.LobbyMessageCreate or DiscordNames.GameDirectMessageCreate => [DiscordMessageMapper.Created(context, data)],
            DiscordNames.LobbyMessageUpdate or DiscordNames.GameDirectMessageUpdate => [DiscordMessageMapper.Updated(context, data)],
            DiscordNames.LobbyMessageDelete or DiscordNames.GameDirectMessageDelete => DiscordMessageMapper.Deleted(context, data),
            _ => [DiscordStateMapper.Unknown(context, data)],
        };
    }

    private static string PropertyNames(JsonElement root)
    {
        var names = root.EnumerateObject().Select(p => "\"" + p.Name + "\"").Take(8).ToList();
        return names.Count == 0 ? "no properties" : "properties " + string.Join(", ", names);
    }
}
