using System.Net.Http.Headers;
using Omni.Engine.Events;

namespace Omni.Services.Actions.Http;

/// <summary>The bytes of an event's media, fetched from its <c>media_url</c>.</summary>
public sealed record MediaContent(byte[] Bytes, string MediaType, string FileName);

/// <summary>
/// Fetches an event's media from its <c>media_url</c> (HTTP GET). Evolution puts a usable URL there when it stores media
/// in S3/MinIO; WhatsApp CDN URLs (<c>mmg.whatsapp.net</c>) serve encrypted bytes and are refused with a clear error.
/// Not yet: the raw-archive fallback (inline base64 in the archived webhook, or Evolution's
/// <c>getBase64FromMediaMessage</c>) for events without a usable URL.
/// </summary>
public sealed class MediaFetcher(IHttpClientFactory clients, TimeProvider time)
{
    /// <summary>The largest file the transcription and vision APIs accept (OpenAI: 25 MB).</summary>
    public const long MaxBytes = 25L * 1024 * 1024;

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public async Task<MediaContent> FetchAsync(OmniEvent e, string actionId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(e.MediaUrl) || !Uri.TryCreate(e.MediaUrl, UriKind.Absolute, out var url) ||
            url.Scheme is not ("http" or "https"))
        {
            throw new PermanentActionException(
                $"{actionId}: the event has no http(s) media_url (fetching media from the raw archive is not supported yet).");
        }

        if (url.AbsolutePath.EndsWith(".enc", StringComparison.OrdinalIgnoreCase))
        {
            throw new PermanentActionException(
                $"{actionId}: media_url points at encrypted WhatsApp media ({url.Host}); enable Evolution's S3 media storage or webhook base64.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = await ProviderHttp.SendAsync(clients.CreateClient(ActionHttpClients.Media), request, $"{actionId}: GET media",
            Timeout, time, cancellationToken);
        if (response.Content.Headers.ContentLength > MaxBytes)
        {
            throw new PermanentActionException($"{actionId}: the media is {response.Content.Headers.ContentLength} bytes, more than {MaxBytes}.");
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (bytes.Length == 0)
        {
            throw new PermanentActionException($"{actionId}: media_url answered an empty body.");
        }

        if (bytes.Length > MaxBytes)
        {
            throw new PermanentActionException($"{actionId}: the media is {bytes.Length} bytes, more than {MaxBytes}.");
        }

        var mediaType = MediaType(e.MediaMimeType) ?? response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream";
        return new MediaContent(bytes, mediaType, FileName(e, url, mediaType));
    }

    /// <summary><c>audio/ogg; codecs=opus</c> → <c>audio/ogg</c>.</summary>
    private static string? MediaType(string? mimeType) =>
        MediaTypeHeaderValue.TryParse(mimeType, out var parsed) ? parsed.MediaType : null;

    /// <summary>A file name with an extension the transcription APIs recognize (they sniff the format from it).</summary>
    private static string FileName(OmniEvent e, Uri url, string mediaType)
    {
        if (!string.IsNullOrWhiteSpace(e.MediaFileName) && Path.HasExtension(e.MediaFileName))
        {
            return Path.GetFileName(e.MediaFileName);
        }

        var fromUrl = Path.GetFileName(url.AbsolutePath);
        if (Path.HasExtension(fromUrl))
        {
            return fromUrl;
        }

        var extension = mediaType switch
        {
            "audio/ogg" or "audio/opus" => ".ogg",
            "audio/mpeg" or "audio/mp3" => ".mp3",
            "audio/mp4" or "audio/m4a" or "audio/x-m4a" or "audio/aac" => ".m4a",
            "audio/wav" or "audio/x-wav" or "audio/wave" => ".wav",
            "audio/webm" => ".webm",
            "audio/flac" => ".flac",
            "image/jpeg" => ".jpg",
            "image/png" => ".png",
            "image/webp" => ".webp",
            "image/gif" => ".gif",
            _ => ".bin",
        };
        return "media" + extension;
    }
}
