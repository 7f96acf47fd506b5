using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Omni.Relay.Discord;

/// <summary>
/// The two Discord REST calls the relay makes, with the bot's token: <c>GET /gateway/bot</c> (gateway URL, recommended
/// shards, session start limit) and <c>GET /channels/{id}/messages?after=</c> (backfill). A 429 is waited out
/// (<c>retry_after</c>, capped) and retried a few times; anything else that is not 2xx throws
/// <see cref="HttpRequestException"/> with its status.
/// </summary>
public sealed class DiscordRestClient
{
    private const int MaxRateLimitRetries = 5;
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http;
    private readonly Uri _baseUrl;
    private readonly string _botToken;
    private readonly TimeProvider _time;

    public DiscordRestClient(HttpClient http, Uri apiBaseUrl, string botToken, TimeProvider time)
    {
        _http = http;
        _baseUrl = apiBaseUrl.AbsoluteUri.EndsWith('/') ? apiBaseUrl : new Uri(apiBaseUrl.AbsoluteUri + "/");
        _botToken = botToken;
        _time = time;
    }

    public async Task<GatewayBotInfo> GetGatewayBotAsync(CancellationToken cancellationToken)
    {
        using var document = await GetJsonAsync("gateway/bot", cancellationToken).ConfigureAwait(false);
        var root = document.RootElement;
        var limit = root.GetProperty("session_start_limit");
        return new GatewayBotInfo(
            root.GetProperty("url").GetString() ?? throw new JsonException("gateway/bot has no url"),
            root.TryGetProperty("shards", out var shards) ? Math.Max(1, shards.GetInt32()) : 1,
            limit.GetProperty("total").GetInt32(),
            limit.GetProperty("remaining").GetInt32(),
            TimeSpan.FromMilliseconds(limit.GetProperty("reset_after").GetInt64()),
            limit.TryGetProperty("max_concurrency", out var concurrency) ? Math.Max(1, concurrency.GetInt32()) : 1);
    }

    /// <summary>Up to <paramref name="limit"/> (≤ 100) messages of a channel newer than <paramref name="afterId"/>, oldest first.</summary>
    public async Task<IReadOnlyList<JsonObject>> GetMessagesAfterAsync(string channelId, string afterId, int limit, CancellationToken cancellationToken)
    {
        var path = string.Create(CultureInfo.InvariantCulture,
            $"channels/{Uri.EscapeDataString(channelId)}/messages?after={Uri.EscapeDataString(afterId)}&limit={Math.Clamp(limit, 1, 100)}");
        using var document = await GetJsonAsync(path, cancellationToken).ConfigureAwait(false);
        var messages = new List<JsonObject>();
        foreach (var element in document.RootElement.EnumerateArray())
        {
            if (JsonNode.Parse(element.GetRawText()) is JsonObject message && message["id"]?.GetValue<string>() is not null)
            {
                messages.Add(message);
            }
        }

        // Discord documents no order for ?after=; sort by snowflake.
        return messages.OrderBy(m => Gateway.Snowflake.Parse(m["id"]!.GetValue<string>())).ToList();
    }

    private async Task<JsonDocument> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_baseUrl, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bot", _botToken);
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < MaxRateLimitRetries)
            {
                await Task.Delay(await RetryAfterAsync(response, cancellationToken).ConfigureAwait(false), _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"Discord answered {(int)response.StatusCode} to GET {path.Split('?')[0]}", null, response.StatusCode);
            }

            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<TimeSpan> RetryAfterAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        double seconds = 1;
        try
        {
            using var body = await JsonDocument.ParseAsync(
                await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (body.RootElement.TryGetProperty("retry_after", out var value) && value.TryGetDouble(out var parsed))
            {
                seconds = parsed;
            }
        }
        catch (JsonException)
        {
            if (response.Headers.RetryAfter?.Delta is { } delta)
            {
                seconds = delta.TotalSeconds;
            }
        }

        var wait = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return wait > MaxRetryAfter ? MaxRetryAfter : wait;
    }
}

/// <summary>What <c>GET /gateway/bot</c> answers.</summary>
public sealed record GatewayBotInfo(
    string Url,
    int Shards,
    int SessionStartTotal,
    int SessionStartRemaining,
    TimeSpan SessionStartResetAfter,
    int MaxConcurrency);
