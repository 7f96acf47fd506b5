using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Services.Actions;
using Omni.Services.Actions.Http;
using Omni.Services.Configuration;

namespace Omni.Services.Connections.Telegram;

/// <summary>
/// Calls one Bot API method as an instance's bot: <c>POST {ApiBaseUrl or https://api.telegram.org}/bot{BotToken}/{method}</c>
/// with a JSON body. Every answer is <c>{"ok": true, "result": ...}</c> or <c>{"ok": false, "error_code", "description",
/// "parameters"?: {"retry_after", "migrate_to_chat_id"}}</c>, the HTTP status equal to <c>error_code</c>. Failures are
/// classified like every provider's (<see cref="ProviderHttp"/>): 429 transient, waiting <c>parameters.retry_after</c>
/// seconds (else the <c>Retry-After</c> header); 5xx and 408 transient; other 4xx permanent with Telegram's description;
/// no answer in time or a dropped connection transient. The token is in the URL, so no message names the URL and the
/// HTTP client logs none (<see cref="TelegramConnection"/>).
/// </summary>
public sealed class TelegramBotApi(IHttpClientFactory clients, TimeProvider time)
{
    public const string ClientName = ActionHttpClients.Prefix + "telegram";

    public static readonly Uri PublicApi = new("https://api.telegram.org");

    /// <summary>The method's <c>result</c>.</summary>
    public async Task<JsonElement> CallAsync(
        string instance, InstanceOptions settings, string method, JsonObject body, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var request = new HttpRequestMessage(HttpMethod.Post, MethodUrl(instance, settings, method, what)) { Content = JsonContent.Create(body) };
        using var response = await SendAsync(request, what, settings.SendTimeout, cancellationToken);
        var answer = await ReadAsync(response, cancellationToken);
        if (response.IsSuccessStatusCode && answer?.Prop("ok")?.ValueKind == JsonValueKind.True)
        {
            return answer.Value.TryGetProperty("result", out var result) ? result.Clone() : ActionInvocation.EmptyObject;
        }

        throw Failure(response, answer, what);
    }

    /// <summary><c>{base}/bot{token}/{method}</c>; permanent when the instance has no token.</summary>
    public static Uri MethodUrl(string instance, InstanceOptions settings, string method, string what)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var token = string.IsNullOrWhiteSpace(settings.BotToken)
            ? throw new PermanentActionException($"{what}: Omni:Instances:{instance}:BotToken is not set.")
            : settings.BotToken.Trim();
        return ProviderHttp.Combine(settings.ApiBaseUrl ?? PublicApi, $"./bot{token}/{method}"); // "./": the token's colon is no scheme
    }

    /// <summary><c>{base}/file/bot{token}/{file_path}</c>: where a file <c>getFile</c> described is downloaded.</summary>
    public static Uri FileUrl(string instance, InstanceOptions settings, string filePath, string what)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var token = string.IsNullOrWhiteSpace(settings.BotToken)
            ? throw new PermanentActionException($"{what}: Omni:Instances:{instance}:BotToken is not set.")
            : settings.BotToken.Trim();
        return ProviderHttp.Combine(settings.ApiBaseUrl ?? PublicApi, $"file/bot{token}/{filePath.TrimStart('/')}");
    }

    /// <summary>Sends with a timeout of its own; transport failures become transient (never quoting the URL).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            return await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseContentRead, timeoutSource.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientActionException($"{what}: no answer within {timeout.TotalSeconds:0.###} s", null, mayHaveTakenEffect: true, innerException: ex);
        }
        catch (HttpRequestException ex)
        {
            var notSent = ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;
            throw new TransientActionException($"{what}: the Bot API could not be reached ({ex.HttpRequestError})", null, mayHaveTakenEffect: !notSent);
        }
    }

    private Exception Failure(HttpResponseMessage response, JsonElement? answer, string what)
    {
        var status = (int)response.StatusCode;
        var code = answer?.Prop("error_code") is { ValueKind: JsonValueKind.Number } c && c.TryGetInt32(out var n) ? n : status;
        var description = answer?.Prop("description") is { ValueKind: JsonValueKind.String } d ? d.GetString() : response.ReasonPhrase;
        var parameters = answer?.Prop("parameters");
        var message = $"{what}: Telegram answered HTTP {status}: {description}";
        if (parameters?.Prop("migrate_to_chat_id") is { ValueKind: JsonValueKind.Number } migrated)
        {
            message += $" (the group is now the supergroup {migrated.GetRawText()})";
        }

        if (code == 429 || ProviderHttp.IsTransient(response.StatusCode))
        {
            var retryAfter = parameters?.Prop("retry_after") is { ValueKind: JsonValueKind.Number } seconds && seconds.TryGetInt32(out var s)
                ? TimeSpan.FromSeconds(Math.Max(0, s))
                : ProviderHttp.RetryAfter(response, time);
            return new TransientActionException(message, retryAfter, mayHaveTakenEffect: false, statusCode: status);
        }

        return new PermanentActionException(message, status);
    }

    private static async Task<JsonElement?> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var json = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return json.ValueKind == JsonValueKind.Object ? json : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Null-tolerant property access for Bot API answers.</summary>
internal static class TelegramAnswerJson
{
    public static JsonElement? Prop(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static JsonElement? Prop(this JsonElement? element, string name) => element is { } e ? e.Prop(name) : null;

    /// <summary>A Bot API chat id: the number when it is one, else the text (<c>@channelusername</c>).</summary>
    public static JsonNode ChatId(string conversationId) =>
        long.TryParse(conversationId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) ? JsonValue.Create(id) : JsonValue.Create(conversationId);
}
