using System.Net.Http.Headers;
using Omni.Engine.Events;
using Omni.Services.Configuration;
using Omni.Services.Ingest;

namespace Omni.Services.Actions.Http;

/// <summary>The bytes of an event's media and where they came from (<see cref="MediaSources"/>).</summary>
public sealed record MediaContent(byte[] Bytes, string MediaType, string FileName, string Source);

/// <summary>Where <see cref="MediaFetcher"/> found an event's media.</summary>
public static class MediaSources
{
    /// <summary>An HTTP GET of the event's <c>media_url</c> (Evolution's S3/MinIO storage, or any plain URL).</summary>
    public const string MediaUrl = "media_url";

    /// <summary><c>data.message.base64</c> in the archived webhook (Evolution's "webhook base64").</summary>
    public const string RawArchive = "raw_archive";

    /// <summary>Evolution's <c>POST /chat/getBase64FromMediaMessage/{instance}</c>.</summary>
    public const string Evolution = "evolution";

    /// <summary>The Telegram Bot API's <c>getFile</c> and file download (<see cref="Connections.Telegram.TelegramMediaClient"/>).</summary>
    public const string Telegram = "telegram";

    /// <summary>The Slack file's private URL, with the bot's token (<see cref="Connections.Slack.SlackMediaClient"/>).</summary>
    public const string Slack = "slack";
}

/// <summary>
/// Gets an event's media. A Slack event's file is downloaded from its private URL with the bot's token
/// (<see cref="Connections.Slack.SlackMediaClient"/>); for the others, trying in order:
/// <list type="number">
/// <item>its <c>media_url</c>, when that is an http(s) URL and not encrypted WhatsApp CDN media (<c>*.whatsapp.net</c>,
/// <c>….enc</c>: those bytes are useless without the media key): HTTP GET;</item>
/// <item>the archived webhook (the event's <c>raw_blob</c>): <c>data.message.base64</c>, which Evolution adds when its
/// "webhook base64" is on (<see cref="InlineMedia"/>);</item>
/// <item>the instance's Evolution server (<c>Omni:Instances:{name}:ServerUrl</c> + <c>ApiKey</c>), which downloads and
/// decrypts the media for us (<see cref="EvolutionMediaClient"/>);</item>
/// <item>for a Telegram event, the Bot API (<c>getFile</c> with the instance's <c>BotToken</c>, then the download);</item>
/// <item>else a <see cref="PermanentActionException"/> naming what each source lacked.</item>
/// </list>
/// At most <see cref="MaxBytes"/> from any source.
/// </summary>
public sealed class MediaFetcher(IHttpClientFactory clients, RawArchive archive, OmniOptions options, TimeProvider time)
{
    /// <summary>The largest file the transcription and vision APIs accept (OpenAI: 25 MB).</summary>
    public const long MaxBytes = 25L * 1024 * 1024;

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly EvolutionMediaClient _evolution = new(clients, time);
    private readonly Connections.Telegram.TelegramMediaClient _telegram = new(new Connections.Telegram.TelegramBotApi(clients, time));
    private readonly Connections.Slack.SlackMediaClient _slack = new(clients, time);

    public async Task<MediaContent> FetchAsync(OmniEvent e, string actionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        var missing = new List<string>(3);

        // Slack: the file's private URL answers only the bot's token (a plain GET gets Slack's sign-in page).
        if (string.Equals(e.Provider, Connections.Slack.SlackMediaClient.Provider, StringComparison.Ordinal))
        {
            return await SlackAsync(e, actionId, cancellationToken);
        }

        // 1. A URL we can GET.
        if (UsableUrl(e, missing) is { } url)
        {
            return await GetAsync(e, url, actionId, cancellationToken);
        }

        // 2. The bytes Evolution put inline in the webhook, kept by the raw archive.
        if (await InlineMedia.ReadAsync(archive, e, actionId, missing, cancellationToken) is { } inline)
        {
            return Content(e, inline, mediaType: null, suggestedName: null, MediaSources.RawArchive);
        }

        // 3. Telegram: the Bot API, with the bot's token.
        if (string.Equals(e.Provider, Connections.Telegram.TelegramMediaClient.Provider, StringComparison.Ordinal))
        {
            return await TelegramAsync(e, actionId, cancellationToken);
        }

        // 4. Ask the Evolution server that received the message.
        if (EvolutionServer(e, missing) is { } server)
        {
            var downloaded = await _evolution.DownloadAsync(server, e.ProviderMessageId!, actionId, cancellationToken);
            return Content(e, downloaded.Bytes, downloaded.MimeType, downloaded.FileName, MediaSources.Evolution);
        }

        throw new PermanentActionException(
            $"{actionId}: the event's media cannot be fetched: {string.Join("; ", missing)}. Turn on Evolution's webhook base64 or S3 media " +
            $"storage, or set Omni:Instances:{e.Instance}:ServerUrl and ApiKey so Omni can ask Evolution for it.");
    }

    /// <summary>True for WhatsApp CDN URLs, which serve the media encrypted (only the message's media key opens it).</summary>
    public static bool IsEncryptedWhatsAppMedia(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.Host.Equals("whatsapp.net", StringComparison.OrdinalIgnoreCase) ||
               url.Host.EndsWith(".whatsapp.net", StringComparison.OrdinalIgnoreCase) ||
               url.AbsolutePath.EndsWith(".enc", StringComparison.OrdinalIgnoreCase);
    }

    private static Uri? UsableUrl(OmniEvent e, List<string> missing)
    {
        if (string.IsNullOrWhiteSpace(e.MediaUrl))
        {
            missing.Add("the event has no media_url");
            return null;
        }

        if (!Uri.TryCreate(e.MediaUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            missing.Add("its media_url is not an http(s) URL");
            return null;
        }

        if (IsEncryptedWhatsAppMedia(url))
        {
            missing.Add($"its media_url is encrypted WhatsApp media ({url.Host})");
            return null;
        }

        return url;
    }

    private async Task<MediaContent> GetAsync(OmniEvent e, Uri url, string actionId, CancellationToken cancellationToken)
    {
        var what = $"{actionId}: GET media";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = await ProviderHttp.SendAsync(clients.CreateClient(ActionHttpClients.Media), request, what, Timeout, time, cancellationToken);
        var bytes = await ReadBodyAsync(response, MaxBytes, what, cancellationToken);
        var fromUrl = Path.GetFileName(url.AbsolutePath);
        return Content(e, bytes, response.Content.Headers.ContentType?.MediaType, Path.HasExtension(fromUrl) ? fromUrl : null, MediaSources.MediaUrl);
    }

    /// <summary>
    /// A downloaded file's body, at most <paramref name="maxBytes"/> (refused by its Content-Length before reading when it
    /// says so), never empty; anything else is a permanent failure named by <paramref name="what"/>. Every HTTP source uses it.
    /// </summary>
    public static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, long maxBytes, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            throw new PermanentActionException($"{what}: the file is {response.Content.Headers.ContentLength} bytes, more than {maxBytes}.");
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return bytes.Length switch
        {
            0 => throw new PermanentActionException($"{what}: an empty body."),
            _ when bytes.Length > maxBytes => throw new PermanentActionException($"{what}: the file is {bytes.Length} bytes, more than {maxBytes}."),
            _ => bytes,
        };
    }

    private async Task<MediaContent> TelegramAsync(OmniEvent e, string actionId, CancellationToken cancellationToken)
    {
        var fileId = Connections.Telegram.TelegramMediaClient.FileIdOf(e)
                     ?? throw new PermanentActionException($"{actionId}: the Telegram event carries no file (provider_metadata.media.file_id).");
        if (!options.Instances.TryGetValue(e.Instance, out var settings))
        {
            throw new PermanentActionException($"{actionId}: the instance '{e.Instance}' is not configured (Omni:Instances:{e.Instance}).");
        }

        var (bytes, path) = await _telegram.DownloadAsync(e, settings, fileId, MaxBytes, actionId, cancellationToken);
        // Voice notes are stored as .oga (Ogg Opus): the transcription APIs know the format as .ogg.
        var name = Path.GetFileName(path);
        name = Path.GetExtension(name).Equals(".oga", StringComparison.OrdinalIgnoreCase) ? Path.ChangeExtension(name, ".ogg") : name;
        return Content(e, bytes, mediaType: null, name, MediaSources.Telegram);
    }

    private async Task<MediaContent> SlackAsync(OmniEvent e, string actionId, CancellationToken cancellationToken)
    {
        if (!options.Instances.TryGetValue(e.Instance, out var settings))
        {
            throw new PermanentActionException($"{actionId}: the instance '{e.Instance}' is not configured (Omni:Instances:{e.Instance}).");
        }

        var (bytes, mediaType) = await _slack.DownloadAsync(e, settings, MaxBytes, actionId, cancellationToken);
        return Content(e, bytes, mediaType, suggestedName: null, MediaSources.Slack);
    }

    /// <summary>The instance's Evolution server, when the event came through one and it is configured; else why not.</summary>
    private EvolutionServer? EvolutionServer(OmniEvent e, List<string> missing)
    {
        if (!string.Equals(e.Provider, "evolution", StringComparison.Ordinal))
        {
            missing.Add($"its provider '{e.Provider}' has no media download API Omni knows");
            return null;
        }

        if (!options.Instances.TryGetValue(e.Instance, out var instance) || instance.ServerUrl is null || string.IsNullOrEmpty(instance.ApiKey))
        {
            missing.Add($"the instance '{e.Instance}' has no Evolution server configured (Omni:Instances:{e.Instance}:ServerUrl and ApiKey)");
            return null;
        }

        if (string.IsNullOrEmpty(e.ProviderMessageId))
        {
            missing.Add("the event has no provider_message_id to ask Evolution for");
            return null;
        }

        var evolutionInstance = string.IsNullOrWhiteSpace(instance.EvolutionInstance) ? e.Instance : instance.EvolutionInstance;
        return new EvolutionServer(instance.ServerUrl, instance.ApiKey, evolutionInstance);
    }

    /// <summary>The event's MIME type wins over the source's (<c>audio/ogg; codecs=opus</c> → <c>audio/ogg</c>).</summary>
    private static MediaContent Content(OmniEvent e, byte[] bytes, string? mediaType, string? suggestedName, string source)
    {
        var type = MediaType(e.MediaMimeType) ?? MediaType(mediaType) ?? "application/octet-stream";
        return new MediaContent(bytes, type, FileName(e, suggestedName, type), source);
    }

    private static string? MediaType(string? mimeType) =>
        MediaTypeHeaderValue.TryParse(mimeType, out var parsed) ? parsed.MediaType : null;

    /// <summary>A file name with an extension the transcription APIs recognize (they sniff the format from it).</summary>
    private static string FileName(OmniEvent e, string? suggested, string mediaType)
    {
        foreach (var name in new[] { e.MediaFileName, suggested })
        {
            if (!string.IsNullOrWhiteSpace(name) && Path.HasExtension(name))
            {
                return Path.GetFileName(name);
            }
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
