using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Engine.Events;
using Omni.Services.Actions;
using Omni.Services.Actions.Http;
using Omni.Services.Configuration;

namespace Omni.Services.Connections.Telegram;

/// <summary>
/// Downloads a Telegram event's media for the STT and vision actions: the normalizer keeps the file's <c>file_id</c> in
/// <c>provider_metadata.media</c>; <c>getFile</c> turns it into a <c>file_path</c>, valid for at least an hour, and
/// <c>GET {ApiBaseUrl}/file/bot{token}/{file_path}</c> returns the bytes. The Bot API serves files up to 20 MB this way
/// (a larger one has no <c>file_path</c>: permanent). Failures are classified like every Bot API call.
/// </summary>
public sealed class TelegramMediaClient(TelegramBotApi api)
{
    public const string Provider = "telegram";

    /// <summary>The file id of the event's media, or null when the event carries none.</summary>
    public static string? FileIdOf(OmniEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.ProviderMetadata is { ValueKind: JsonValueKind.Object } m && m.TryGetProperty("media", out var media)
               && media.ValueKind == JsonValueKind.Object && media.TryGetProperty("file_id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;
    }

    /// <summary>The bytes and Telegram's <c>file_path</c> (e.g. <c>voice/file_12.oga</c>).</summary>
    public async Task<(byte[] Bytes, string FilePath)> DownloadAsync(
        OmniEvent e, InstanceOptions settings, string fileId, long maxBytes, string actionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(settings);
        var file = await api.CallAsync(e.Instance, settings, "getFile", new JsonObject { ["file_id"] = fileId }, $"{actionId}: Telegram getFile", cancellationToken);
        var path = file.ValueKind == JsonValueKind.Object && file.TryGetProperty("file_path", out var p) && p.ValueKind == JsonValueKind.String
            ? p.GetString()!
            : throw new PermanentActionException($"{actionId}: Telegram getFile gave no file_path (the Bot API serves files up to 20 MB).");

        var what = $"{actionId}: Telegram file download";
        using var request = new HttpRequestMessage(HttpMethod.Get, TelegramBotApi.FileUrl(e.Instance, settings, path, what));
        using var response = await api.SendAsync(request, what, settings.SendTimeout, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ProviderHttp.FailureAsync(response, what, TimeProvider.System, cancellationToken);
        }

        return (await MediaFetcher.ReadBodyAsync(response, maxBytes, what, cancellationToken), path);
    }
}
