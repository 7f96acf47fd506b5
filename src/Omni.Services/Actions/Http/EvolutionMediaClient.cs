using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Omni.Services.Actions.Http;

/// <summary>An instance's Evolution API server: its URL, key and Evolution's name for the connection.</summary>
public sealed record EvolutionServer(Uri ServerUrl, string ApiKey, string EvolutionInstance);

/// <summary>Media Evolution downloaded and decrypted for us.</summary>
public sealed record EvolutionMedia(byte[] Bytes, string? MimeType, string? FileName);

/// <summary>
/// Asks Evolution to download and decrypt a message's media (Evolution v2, <c>src/api/routes/chat.router.ts</c> and
/// <c>BaileysStartupService.getBase64FromMediaMessage</c>):
/// <code>
/// POST {ServerUrl}/chat/getBase64FromMediaMessage/{EvolutionInstance}
/// apikey: {ApiKey}
/// {"message": {"key": {"id": "&lt;provider_message_id&gt;"}}, "convertToMp4": false}
/// → 201 {"mediaType": "audioMessage", "fileName", "caption", "size": {"fileLength", "height", "width"}, "mimetype": "audio/ogg; codecs=opus", "base64": "..."}
/// </code>
/// Given only the key, Evolution looks the message up in its own store (it must keep messages). It answers 400 when the
/// message is unknown or not media (permanent); 5xx and timeouts are transient (<see cref="ProviderHttp"/>).
/// </summary>
public sealed class EvolutionMediaClient(IHttpClientFactory clients, TimeProvider time)
{
    public async Task<EvolutionMedia> DownloadAsync(EvolutionServer server, string messageId, string actionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        var what = $"{actionId}: Evolution getBase64FromMediaMessage";
        var body = new JsonObject
        {
            ["message"] = new JsonObject { ["key"] = new JsonObject { ["id"] = messageId } },
            ["convertToMp4"] = false,
        };
        var url = ProviderHttp.Combine(server.ServerUrl, $"chat/getBase64FromMediaMessage/{Uri.EscapeDataString(server.EvolutionInstance)}");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Add("apikey", server.ApiKey);
        using var response = await ProviderHttp.SendAsync(clients.CreateClient(ActionHttpClients.Evolution), request, what,
            MediaFetcher.Timeout, time, cancellationToken);

        JsonElement json;
        try
        {
            json = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new PermanentActionException($"{what} answered {(int)response.StatusCode} with a body that is not JSON.", (int)response.StatusCode, ex);
        }

        var base64 = String(json, "base64");
        if (string.IsNullOrWhiteSpace(base64))
        {
            throw new PermanentActionException($"{what} answered {(int)response.StatusCode} without base64.", (int)response.StatusCode);
        }

        return new EvolutionMedia(MediaBase64.Decode(base64, $"{what}: base64"), String(json, "mimetype"), String(json, "fileName"));
    }

    private static string? String(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
