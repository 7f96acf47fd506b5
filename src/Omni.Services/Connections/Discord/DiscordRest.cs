using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Omni.Services.Actions;
using Omni.Services.Actions.Http;

namespace Omni.Services.Connections.Discord;

/// <summary>
/// One call to Discord's HTTP API (<c>https://discord.com/api/v10</c>, or the instance's <c>ApiBaseUrl</c>), classified
/// the way Discord documents its errors:
/// <list type="bullet">
/// <item>a route <see cref="DiscordRateLimits"/> knows to be exhausted is not called: transient, with the wait;</item>
/// <item>429 <c>{"message", "retry_after": 64.57, "global": false}</c>: transient carrying <c>retry_after</c> (else the
/// <c>Retry-After</c> header), global when <c>X-RateLimit-Global</c> or the body says so;</item>
/// <item>5xx (and 408): transient; any other 4xx <c>{"message": "Missing Access", "code": 50001}</c>: permanent, with
/// Discord's message and code;</item>
/// <item>no answer or a dropped connection: as <see cref="ProviderHttp"/> (transient, maybe sent).</item>
/// </list>
/// Answers the JSON body of a success (an empty object when there is none).
/// </summary>
public sealed class DiscordRest(IHttpClientFactory clients, DiscordRateLimits limits, TimeProvider time)
{
    /// <summary>Discord's public API, version 10.</summary>
    public static readonly Uri PublicApi = new("https://discord.com/api/v10/");

    /// <summary>The named HTTP client (own pool, no client-wide timeout: each request has the instance's <c>SendTimeout</c>).</summary>
    public const string ClientName = ActionHttpClients.Prefix + "discord";

    /// <summary>Discord asks every client to identify itself as <c>DiscordBot ($url, $version)</c>.</summary>
    private const string UserAgent = "DiscordBot (omni, 1.0)";

    public async Task<JsonElement> SendAsync(DiscordCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var wait = limits.WaitFor(call.Route);
        if (wait > TimeSpan.Zero)
        {
            throw new TransientActionException(
                $"{call.What}: Discord's rate limit for {call.Route} resets in {Seconds(wait)} s; not sent", wait, mayHaveTakenEffect: false);
        }

        using var request = new HttpRequestMessage(call.Method, ProviderHttp.Combine(call.BaseUrl ?? PublicApi, call.Path))
        {
            Content = JsonContent.Create(call.Body),
        };
        request.Headers.UserAgent.ParseAdd(UserAgent);
        if (call.BotToken is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bot", token);
        }

        using var response = await ProviderHttp.SendAsync(clients.CreateClient(ClientName), request, call.What, call.Timeout, time,
            cancellationToken, failed => FailureAsync(failed, call, cancellationToken));
        limits.Observe(call.Route, response.Headers);
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return string.IsNullOrWhiteSpace(text) ? ActionInvocation.EmptyObject : JsonSerializer.Deserialize<JsonElement>(text);
        }
        catch (JsonException)
        {
            return ActionInvocation.EmptyObject; // sent (2xx); an answer that is not JSON leaves the id unknown
        }
    }

    private async Task<Exception> FailureAsync(HttpResponseMessage response, DiscordCall call, CancellationToken cancellationToken)
    {
        limits.Observe(call.Route, response.Headers);
        var status = (int)response.StatusCode;
        var error = DiscordError.Parse(await ReadAsync(response, cancellationToken));
        if (status == 429)
        {
            var global = error.Global || IsTrue(response.Headers, "X-RateLimit-Global") || Is(response.Headers, "X-RateLimit-Scope", "global");
            var retryAfter = error.RetryAfter ?? ProviderHttp.RetryAfter(response, time) ?? TimeSpan.FromSeconds(1);
            limits.Limited(call.Route, retryAfter, global);
            return new TransientActionException(
                $"{call.What}: HTTP 429 {(global ? "global rate limit" : "rate limited")}, retry after {Seconds(retryAfter)} s: {error.Message}",
                retryAfter, mayHaveTakenEffect: false, statusCode: status);
        }

        var message = $"{call.What}: HTTP {status} {response.ReasonPhrase}: {error.Message}{(error.Code is { } code ? $" (code {code})" : "")}";
        return ProviderHttp.IsTransient(response.StatusCode)
            ? new TransientActionException(message, ProviderHttp.RetryAfter(response, time), mayHaveTakenEffect: false, statusCode: status)
            : new PermanentActionException(message, status);
    }

    private static async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
            return "";
        }
    }

    private static bool IsTrue(HttpResponseHeaders headers, string name) => Is(headers, name, "true");

    private static bool Is(HttpResponseHeaders headers, string name, string value) =>
        headers.TryGetValues(name, out var values) && values.Any(v => string.Equals(v.Trim(), value, StringComparison.OrdinalIgnoreCase));

    private static string Seconds(TimeSpan wait) => wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
