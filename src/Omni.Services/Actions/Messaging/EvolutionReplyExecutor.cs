using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Services.Actions.Http;
using Omni.Services.Configuration;

namespace Omni.Services.Actions.Messaging;

/// <summary>
/// <c>route.reply</c>: sends text back to the event's conversation through the instance's Evolution API server.
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
public sealed class EvolutionReplyExecutor(IHttpClientFactory clients, OmniOptions options, TimeProvider time) : IActionExecutor
{
    public const string Id = "route.reply";

    public string ActionId => Id;

    public bool IsSideEffect => true;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var e = invocation.Event;
        var text = invocation.RequireString("text");
        if (!options.Instances.TryGetValue(e.Instance, out var instance))
        {
            throw new PermanentActionException($"{Id}: the instance '{e.Instance}' is not configured (Omni:Instances:{e.Instance}).");
        }

        if (!string.Equals(instance.Provider, "evolution", StringComparison.Ordinal))
        {
            throw new PermanentActionException($"{Id}: sending through '{instance.Provider}' instances is not supported yet (only evolution).");
        }

        var serverUrl = instance.ServerUrl ?? throw new PermanentActionException($"{Id}: Omni:Instances:{e.Instance}:ServerUrl is not set.");
        var apiKey = instance.ApiKey ?? throw new PermanentActionException($"{Id}: Omni:Instances:{e.Instance}:ApiKey is not set.");
        var recipient = e.ConversationId ?? throw new PermanentActionException($"{Id}: the event has no conversation_id to reply to.");
        var evolutionInstance = string.IsNullOrWhiteSpace(instance.EvolutionInstance) ? e.Instance : instance.EvolutionInstance;

        var body = new JsonObject { ["number"] = recipient, ["text"] = text };
        if (invocation.GetBool("quote") && !string.IsNullOrEmpty(e.ProviderMessageId))
        {
            body["quoted"] = new JsonObject
            {
                ["key"] = new JsonObject { ["id"] = e.ProviderMessageId, ["remoteJid"] = recipient, ["fromMe"] = e.FromMe },
            };
        }

        var url = ProviderHttp.Combine(serverUrl, $"message/sendText/{Uri.EscapeDataString(evolutionInstance)}");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Add("apikey", apiKey);
        using var response = await ProviderHttp.SendAsync(clients.CreateClient(ActionHttpClients.Evolution), request,
            $"{Id}: Evolution sendText", instance.SendTimeout, time, cancellationToken);

        var sent = await ReadJsonAsync(response, cancellationToken);
        var messageId = sent.TryGetProperty("key", out var key) && key.ValueKind == JsonValueKind.Object &&
                        key.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;
        var status = sent.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;

        var output = new JsonObject
        {
            ["message_id"] = messageId,
            ["recipient"] = recipient,
            ["status"] = status,
        };
        return new ActionOutcome
        {
            Output = JsonSerializer.SerializeToElement(output),
            Provider = "evolution",
            Summary = $"sent {text.Length} chars to {recipient} as {messageId ?? "(no id)"}",
        };
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
