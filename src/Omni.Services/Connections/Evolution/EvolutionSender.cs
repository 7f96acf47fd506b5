using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Services.Actions;
using Omni.Services.Actions.Http;

namespace Omni.Services.Connections.Evolution;

/// <summary>
/// Sends text to a WhatsApp conversation through the instance's Evolution API server (<c>route.reply</c> on Evolution events).
/// <code>
/// POST {ServerUrl}/message/sendText/{EvolutionInstance}
/// apikey: {ApiKey}
/// {"number": "&lt;conversation_id&gt;", "text": "...", "quoted": {"key": {"id", "remoteJid", "fromMe"}}}
/// </code>
/// The body follows Evolution v2's <c>SendTextDto</c> (src/api/dto/sendMessage.dto.ts):
/// <c>class SendTextDto extends Metadata { text: string }</c> with <c>Metadata { number: string; delay?; quoted?: { key, message };
/// linkPreview?; mentionsEveryOne?; mentioned?; ... }</c>. <c>number</c> takes a phone number or a JID, so the
/// conversation id works for direct chats (<c>…@s.whatsapp.net</c>) and groups (<c>…@g.us</c>) alike; a quote given only
/// by its key is looked up by Evolution in its store. The answer (201) is the sent message: <c>{"key": {"remoteJid",
/// "fromMe": true, "id"}, "status": "PENDING", "messageTimestamp", ...}</c>; its <c>key.id</c> is the output.
/// </summary>
public sealed class EvolutionSender(IHttpClientFactory clients, TimeProvider time) : IChannelSender
{

    public string Provider => "evolution";

    public async Task<SentText> SendTextAsync(OutboundText message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (instance, settings, recipient) = (message.Instance, message.Settings, message.ConversationId);
        var serverUrl = settings.ServerUrl ?? throw new PermanentActionException($"{message.ActionId}: Omni:Instances:{instance}:ServerUrl is not set.");
        var apiKey = settings.ApiKey ?? throw new PermanentActionException($"{message.ActionId}: Omni:Instances:{instance}:ApiKey is not set.");
        var evolutionInstance = string.IsNullOrWhiteSpace(settings.EvolutionInstance) ? instance : settings.EvolutionInstance;

        var body = new JsonObject { ["number"] = recipient, ["text"] = message.Text };
        if (message.Quote is { ProviderMessageId: { Length: > 0 } quotedId } quote)
        {
            body["quoted"] = new JsonObject
            {
                ["key"] = new JsonObject { ["id"] = quotedId, ["remoteJid"] = recipient, ["fromMe"] = quote.FromMe },
            };
        }

        var url = ProviderHttp.Combine(serverUrl, $"message/sendText/{Uri.EscapeDataString(evolutionInstance)}");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Add("apikey", apiKey);
        using var response = await ProviderHttp.SendAsync(clients.CreateClient(ActionHttpClients.Evolution), request,
            $"{message.ActionId}: Evolution sendText", settings.SendTimeout, time, cancellationToken);

        var sent = await ReadJsonAsync(response, cancellationToken);
        var messageId = sent.TryGetProperty("key", out var key) && key.ValueKind == JsonValueKind.Object &&
                        key.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;
        var status = sent.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        return new SentText(messageId, status);
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        }
        catch (JsonException)
        {
            // It was sent (2xx) but the answer is not the documented JSON: keep the send, without an id.
            return ActionInvocation.EmptyObject;
        }
    }
}
