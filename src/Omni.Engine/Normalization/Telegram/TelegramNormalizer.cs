using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Telegram;

/// <summary>
/// Normalizes Telegram Bot API webhook deliveries (provider <c>telegram</c>, channel <c>telegram</c>). Each delivery is
/// one Update <c>{ "update_id": n, "&lt;type&gt;": { ... } }</c> with exactly one optional field set; it becomes one
/// event whose <c>provider_event_id</c> is the <c>update_id</c> (the instance is one bot, and Telegram resends an
/// unacknowledged update with the same id, so a redelivery is the same event).
/// </summary>
/// <remarks>
/// <para><c>from_me</c> needs the bot's own user id: pass <c>botUserIdOf</c> (instance name → the bot's id, the numeric
/// prefix of its token or configured); without it <c>from_me</c> is always false. It takes part in no id.</para>
/// <para>Quarantined: an empty body, one that is not UTF-8 or not JSON, and JSON whose top level is not an object. An
/// object without an <c>update_id</c> or with an update type Omni does not map is an <c>unknown</c> event, never
/// nothing, except Omni's own <c>{"sent_message": Message}</c> (<see cref="SentMessageField"/>). Pure: no clock, no I/O.</para>
/// </remarks>
public sealed class TelegramNormalizer : IPayloadNormalizer
{
    private readonly Func<string, string?>? _botUserIdOf;
    private readonly Func<string, string?>? _botUsernameOf;

    public TelegramNormalizer()
        : this(null)
    {
    }

    /// <param name="botUserIdOf">The bot user id of an instance (by instance name), or null when unknown.</param>
    /// <param name="botUsernameOf">The bot's username of an instance (for <c>@username</c> mentions), or null when unknown.</param>
    public TelegramNormalizer(Func<string, string?>? botUserIdOf, Func<string, string?>? botUsernameOf = null)
    {
        _botUserIdOf = botUserIdOf;
        _botUsernameOf = botUsernameOf;
    }

    public string Provider => TelegramEventFactory.Provider;

    /// <summary>
    /// The field of Omni's own envelope <c>{"sent_message": Message}</c>: the Message a <c>sendMessage</c> answered, which
    /// the sender archives as a delivery of its own so that what the bot said is in the timeline and the reply state.
    /// </summary>
    public const string SentMessageField = "sent_message";

    /// <summary>The version of this mapping (see <see cref="IPayloadNormalizer.Version"/>): raise it when the events it makes change.</summary>
    public const int CurrentVersion = 1;

    public int Version => CurrentVersion;

    /// <summary>
    /// The bot's user id from its token: a token is <c>{bot id}:{secret}</c>, e.g. <c>123456789:AAH…</c>. Null when the
    /// token is not of that form.
    /// </summary>
    public static string? BotIdFromToken(string? token)
    {
        var colon = token?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        return colon > 0 && token![..colon].All(char.IsAsciiDigit) ? token[..colon] : null;
    }

    public NormalizationResult Normalize(RawPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);

        var body = JsonPayload.WithoutByteOrderMark(payload.Body);
        if (JsonPayload.IsBlank(body.Span))
        {
            return NormalizationResult.Quarantine("body is empty: a Telegram delivery is a JSON object (an Update)");
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
                    $"body is a JSON {JsonPayload.Describe(root.ValueKind)} at the top level, not a Telegram Update (a JSON object)");
            }

            var botUserId = _botUserIdOf?.Invoke(payload.Instance) is { } id && !string.IsNullOrWhiteSpace(id) ? id.Trim() : null;
            var botUsername = _botUsernameOf?.Invoke(payload.Instance) is { } name && !string.IsNullOrWhiteSpace(name) ? name.Trim().TrimStart('@') : null;
            var updateId = root.Prop("update_id") is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out var value) ? value : (long?)null;
            if (updateId is null && root.Prop(SentMessageField) is { ValueKind: JsonValueKind.Object } sent)
            {
                // Omni's record of a message the bot sent (Telegram never delivers the bot's own messages): a message like any
                // other, from the bot (from_me), its id a hash of the sent Message (one send, one event).
                return NormalizationResult.Ok([TelegramMessageMapper.Created(new TelegramContext(payload, null, SentMessageField, botUserId) { BotUsername = botUsername }, sent)]);
            }

            var update = root.EnumerateObject().FirstOrDefault(p => p.Name != "update_id" && p.Value.ValueKind == JsonValueKind.Object);
            if (updateId is null || update.Value.ValueKind != JsonValueKind.Object)
            {
                var context = new TelegramContext(payload, updateId, update.Value.ValueKind == JsonValueKind.Object ? update.Name : null, botUserId);
                return NormalizationResult.Ok([TelegramUpdateMapper.Unknown(context, root)]);
            }

            return NormalizationResult.Ok([Dispatch(new TelegramContext(payload, updateId, update.Name, botUserId) { BotUsername = botUsername }, update.Value)]);
        }
    }

    private static OmniEvent Dispatch(TelegramContext context, JsonElement item) =>
        context.UpdateType switch
        {
            "message" or "channel_post" or "business_message" => TelegramMessageMapper.Created(context, item),
            "edited_message" or "edited_channel_post" or "edited_business_message" => TelegramMessageMapper.Edited(context, item),
            "message_reaction" => TelegramUpdateMapper.Reaction(context, item),
            "message_reaction_count" => TelegramUpdateMapper.ReactionCount(context, item),
            "callback_query" => TelegramUpdateMapper.CallbackQuery(context, item),
            "my_chat_member" or "chat_member" => TelegramUpdateMapper.Member(context, item),
            "poll_answer" => TelegramUpdateMapper.PollAnswer(context, item),
            "poll" => TelegramUpdateMapper.Poll(context, item),
            _ => TelegramUpdateMapper.Unknown(context, item),
        };
}
