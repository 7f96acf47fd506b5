using System.Net.Http.Headers;
using Omni.Engine.Events;
using Omni.Services.Actions;
using Omni.Services.Actions.Http;
using Omni.Services.Configuration;

namespace Omni.Services.Connections.Slack;

/// <summary>
/// Downloads a Slack file (a voice clip, a photo, a document) for speech-to-text and vision: the event's
/// <c>media_url</c> is the file's <c>url_private_download</c> (else <c>url_private</c>), which Slack serves only with the
/// bot's token:
/// <code>
/// GET https://files.slack.com/files-pri/T0.../download/clip.m4a
/// Authorization: Bearer {BotToken}
/// → 200 the file's bytes
/// </code>
/// A token without the <c>files:read</c> scope (or a bot the file was not shared with) is answered 200 with Slack's
/// sign-in page, HTML, never the file: that is a permanent failure that says so. The token goes only to Slack's hosts
/// (<c>slack.com</c> and its subdomains) or to the host of the instance's <c>ApiBaseUrl</c> (a proxy, or a test server).
/// </summary>
public sealed class SlackMediaClient(IHttpClientFactory clients, TimeProvider time)
{
    public const string Provider = "slack";

    public async Task<(byte[] Bytes, string? MediaType)> DownloadAsync(OmniEvent e, InstanceOptions settings, long maxBytes, string actionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(settings);
        var what = $"{actionId}: Slack file download";
        if (!Uri.TryCreate(e.MediaUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new PermanentActionException($"{what}: the event carries no file URL (media_url, the file's url_private_download).");
        }

        if (string.IsNullOrWhiteSpace(settings.BotToken))
        {
            throw new PermanentActionException($"{what}: Omni:Instances:{e.Instance}:BotToken is not set (Slack serves files only with the bot's token).");
        }

        if (!MayCarryToken(url, settings.ApiBaseUrl))
        {
            throw new PermanentActionException($"{what}: {url.Host} is not a Slack host; the bot token is sent only to slack.com and its subdomains.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.BotToken.Trim());
        using var response = await ProviderHttp.SendAsync(clients.CreateClient(ActionHttpClients.Media), request, what, MediaFetcher.Timeout, time, cancellationToken);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (string.Equals(mediaType, "text/html", StringComparison.OrdinalIgnoreCase) &&
            !string.Equals(e.MediaMimeType, "text/html", StringComparison.OrdinalIgnoreCase))
        {
            throw new PermanentActionException(
                $"{what}: Slack answered a web page instead of the file: the bot token needs the files:read scope, and the file must be shared where the bot is.");
        }

        return (await MediaFetcher.ReadBodyAsync(response, maxBytes, what, cancellationToken), mediaType);
    }

    /// <summary>Slack's own hosts, or the configured API base's host (never an arbitrary URL a payload names).</summary>
    public static bool MayCarryToken(Uri url, Uri? apiBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(url);
        var slack = url.Scheme == Uri.UriSchemeHttps &&
                    (url.Host.Equals("slack.com", StringComparison.OrdinalIgnoreCase) || url.Host.EndsWith(".slack.com", StringComparison.OrdinalIgnoreCase));
        return slack || (apiBaseUrl is not null && Uri.Compare(url, apiBaseUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0);
    }
}
