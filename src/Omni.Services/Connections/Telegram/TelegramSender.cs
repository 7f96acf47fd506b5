using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Services.Actions;

namespace Omni.Services.Connections.Telegram;

/// <summary>
/// Sends text to a Telegram chat as the instance's bot (<c>route.reply</c> on Telegram events):
/// <code>
/// POST {ApiBaseUrl}/bot{BotToken}/sendMessage
/// {"chat_id": -1001234567890, "text": "...", "reply_parameters": {"message_id": 42, "allow_sending_without_reply": true},
///  "message_thread_id": 39}
/// </code>
/// <c>reply_parameters</c> only when quoting (the message may have been deleted since: the answer is sent anyway);
/// <c>message_thread_id</c> keeps an answer in the forum topic of the message it answers. The answer's
/// <c>result.message_id</c> is the output. Failures: see <see cref="TelegramBotApi"/>.
/// </summary>
public sealed class TelegramSender(TelegramBotApi api) : IChannelSender
{

    /// <summary>Telegram refuses longer text ("message is too long"): it is sent cut (<see cref="MessageLength"/>).</summary>
    public const int MaxTextChars = 4096;

    public string Provider => "telegram";

    public async Task<SentText> SendTextAsync(OutboundText message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (text, cut) = MessageLength.Fit(message.Text, MaxTextChars);
        var body = new JsonObject
        {
            ["chat_id"] = TelegramAnswerJson.ChatId(message.ConversationId),
            ["text"] = text,
        };
        if (message.Quote is { ProviderMessageId: { } quoted } && long.TryParse(quoted, NumberStyles.None, CultureInfo.InvariantCulture, out var quotedId))
        {
            body["reply_parameters"] = new JsonObject { ["message_id"] = quotedId, ["allow_sending_without_reply"] = true };
        }

        if (ThreadOf(message) is { } thread)
        {
            body["message_thread_id"] = thread;
        }

        var result = await api.CallAsync(message.Instance, message.Settings, "sendMessage", body, $"{message.ActionId}: Telegram sendMessage", cancellationToken);
        var id = result.Prop("message_id") is { ValueKind: JsonValueKind.Number } n ? n.GetRawText() : null;
        var echo = result.ValueKind == JsonValueKind.Object
            ? BinaryData.FromString(new JsonObject { [Omni.Engine.Normalization.Telegram.TelegramNormalizer.SentMessageField] = JsonNode.Parse(result.GetRawText()) }.ToJsonString())
            : null;
        return new SentText(id, id is null ? null : cut ? "sent_cut" : "sent", echo);
    }

    /// <summary>The forum topic of the message answered, when it is in this conversation (<c>provider_metadata.thread_id</c>).</summary>
    private static long? ThreadOf(OutboundText message) =>
        message.InReplyTo is { } e && e.ConversationId == message.ConversationId &&
        e.ProviderMetadata.Prop("thread_id") is { ValueKind: JsonValueKind.String } thread &&
        long.TryParse(thread.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
}
