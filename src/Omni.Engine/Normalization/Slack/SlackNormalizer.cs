using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Slack;

/// <summary>
/// Normalizes Slack Events API deliveries (provider <c>slack</c>, channel <c>slack</c>): an <c>event_callback</c>
/// envelope <c>{ token, team_id, api_app_id, event: { type, ... }, type, event_id, event_time, authorizations }</c> becomes
/// one event. <c>url_verification</c> is answered at ingest and never archived; one archived anyway (a replay of an old
/// capture) is a <c>connection</c> event. Other envelope types are <c>unknown</c>.
/// </summary>
/// <remarks>
/// <para><c>from_me</c>: a message our app posted (its <c>app_id</c> is the envelope's <c>api_app_id</c>), or by our bot
/// user (<c>botUserIdOf</c>: the instance's configured bot user id; or the <c>is_bot</c> authorization the delivery
/// carries).</para>
/// <para>Quarantined: an empty body, one that is not UTF-8 or JSON, and JSON whose top level is not an object. Pure.</para>
/// </remarks>
public sealed class SlackNormalizer : IPayloadNormalizer
{
    private readonly Func<string, string?>? _botUserIdOf;

    public SlackNormalizer()
        : this(null)
    {
    }

    /// <param name="botUserIdOf">The bot user id of an instance (by instance name), or null when unknown.</param>
    public SlackNormalizer(Func<string, string?>? botUserIdOf)
    {
        _botUserIdOf = botUserIdOf;
    }

    public string Provider => SlackEventFactory.Provider;

    /// <summary>The version of this mapping (see <see cref="IPayloadNormalizer.Version"/>): raise it when the events it makes change.</summary>
    public const int CurrentVersion = 1;

    public int Version => CurrentVersion;

    public NormalizationResult Normalize(RawPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);

        var body = JsonPayload.WithoutByteOrderMark(payload.Body);
        if (JsonPayload.IsBlank(body.Span))
        {
            return NormalizationResult.Quarantine("body is empty: a Slack delivery is a JSON object (an event_callback envelope)");
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
                    $"body is a JSON {JsonPayload.Describe(root.ValueKind)} at the top level, not a Slack envelope (a JSON object)");
            }

            var botUserId = _botUserIdOf?.Invoke(payload.Instance) is { } id && !string.IsNullOrWhiteSpace(id) ? id.Trim() : null;
            var authorizedBot = root.Arr("authorizations")?.EnumerateArray()
                .FirstOrDefault(a => a.ValueKind == JsonValueKind.Object && a.IsTrue("is_bot")) is { ValueKind: JsonValueKind.Object } bot
                ? bot.NonBlank("user_id")
                : null;
            var type = root.NonBlank("type");
            var item = root.Obj("event");
            var context = new SlackContext(payload, root.NonBlank("event_id"), root.NonBlank("api_app_id"),
                type == "event_callback" ? item?.NonBlank("type") : type, botUserId, authorizedBot);

            if (type == "url_verification")
            {
                return NormalizationResult.Ok([SlackEventFactory.Create(context, root, EventKinds.Connection, ContentTypes.Unknown,
                    null, null, root) with { Status = "url_verification" }]);
            }

            if (type != "event_callback" || item is not { } e)
            {
                return NormalizationResult.Ok([SlackStateMapper.Unknown(context, root, root)]);
            }

            return NormalizationResult.Ok([Dispatch(context, root, e)]);
        }
    }

    private static OmniEvent Dispatch(SlackContext context, JsonElement envelope, JsonElement item) =>
        context.EventType switch
        {
            "message" => SlackMessageMapper.Map(context, envelope, item),
            "app_mention" => SlackMessageMapper.Created(context, envelope, item, null),
            "reaction_added" or "reaction_removed" => SlackStateMapper.Reaction(context, envelope, item),
            "member_joined_channel" or "member_left_channel" => SlackStateMapper.Membership(context, envelope, item),
            _ => SlackStateMapper.Unknown(context, envelope, item),
        };
}
