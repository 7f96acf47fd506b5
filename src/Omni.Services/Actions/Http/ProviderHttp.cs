using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Omni.Services.Actions.Http;

/// <summary>
/// Sends one request to a third-party API and classifies what went wrong, the same way for every executor:
/// <list type="bullet">
/// <item>2xx: success.</item>
/// <item>408, 429 and 5xx: <see cref="TransientActionException"/> with the provider's <c>Retry-After</c>; the provider answered, so it says nothing was done.</item>
/// <item>Other 4xx: <see cref="PermanentActionException"/> (bad key, unknown recipient, invalid request).</item>
/// <item>No answer within the timeout, or the connection dropped mid-request: transient, and the request may have been carried out.</item>
/// <item>Connection refused / name not resolved: transient, nothing was sent.</item>
/// </list>
/// </summary>
public static class ProviderHttp
{
    /// <summary>Longest provider error body quoted in an exception message.</summary>
    private const int MaxQuotedBody = 300;

    /// <summary>
    /// Sends <paramref name="request"/> with a timeout of its own; returns the (successful) response, which the caller
    /// disposes. <paramref name="failure"/> maps an error response when the provider documents its own error body
    /// (Discord's <c>retry_after</c>); by default <see cref="FailureAsync"/>.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient client, HttpRequestMessage request, string what, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken,
        Func<HttpResponseMessage, Task<Exception>>? failure = null)
    {
        HttpResponseMessage response;
        using (var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeoutSource.CancelAfter(timeout);
            try
            {
                response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeoutSource.Token);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TransientActionException($"{what}: no answer within {timeout.TotalSeconds:0.###} s", null, mayHaveTakenEffect: true, innerException: ex);
            }
            catch (HttpRequestException ex)
            {
                var notSent = ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;
                throw new TransientActionException($"{what}: {ex.Message}", null, mayHaveTakenEffect: !notSent, innerException: ex);
            }
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw failure is null ? await FailureAsync(response, what, time, cancellationToken) : await failure(response);
        }
    }

    /// <summary>
    /// POSTs <paramref name="body"/> as JSON with <c>Authorization: Bearer</c> (the OpenAI-compatible APIs' convention) and
    /// reads the provider's answer with <paramref name="read"/>. An answer that is not JSON, or not the shape
    /// <paramref name="read"/> expects (a missing property, an empty array), is a <see cref="PermanentActionException"/>.
    /// </summary>
    public static async Task<T> PostJsonAsync<T>(
        HttpClient client, Uri url, string bearer, JsonObject body, string what, TimeSpan timeout, TimeProvider time, Func<JsonElement, T> read,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(read);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, MediaTypeNames.Application.Json),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await SendAsync(client, request, what, timeout, time, cancellationToken);
        try
        {
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), default, cancellationToken);
            return read(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or IndexOutOfRangeException or InvalidOperationException)
        {
            throw new PermanentActionException($"{what}: the answer is not what the API documents: {ex.Message}", ex);
        }
    }

    /// <summary><c>{base}/{relative}</c>, keeping the base URL's path (<c>https://api.groq.com/openai/v1</c> + <c>audio/transcriptions</c>).</summary>
    public static Uri Combine(Uri baseUrl, string relative)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var root = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        return new Uri(root, relative.TrimStart('/'));
    }

    /// <summary>The exception a non-success response stands for (transient for 408, 429, 5xx; permanent otherwise).</summary>
    public static async Task<Exception> FailureAsync(HttpResponseMessage response, string what, TimeProvider time, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var body = await ReadQuotedBodyAsync(response, cancellationToken);
        var message = $"{what}: HTTP {status} {response.ReasonPhrase}{(body.Length == 0 ? "" : ": " + body)}";
        return IsTransient(response.StatusCode)
            ? new TransientActionException(message, RetryAfter(response, time), mayHaveTakenEffect: false, statusCode: status)
            : new PermanentActionException(message, status);
    }

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>The wait the provider asked for: <c>Retry-After</c> (seconds or an HTTP date), or OpenAI's <c>retry-after-ms</c>.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var ms) &&
            double.TryParse(ms.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
        {
            return TimeSpan.FromMilliseconds(milliseconds);
        }

        return RetryAfter(response.Headers.RetryAfter?.Delta, response.Headers.RetryAfter?.Date, time);
    }

    public static TimeSpan? RetryAfter(TimeSpan? delta, DateTimeOffset? date, TimeProvider time)
    {
        if (delta is { } d)
        {
            return d < TimeSpan.Zero ? TimeSpan.Zero : d;
        }

        if (date is { } at)
        {
            var wait = at - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <summary>Parses a raw <c>Retry-After</c> value (delta seconds or an HTTP date).</summary>
    public static TimeSpan? ParseRetryAfter(string? value, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            return RetryAfter(TimeSpan.FromSeconds(seconds), null, time);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? RetryAfter(null, date, time)
            : null;
    }

    private static async Task<string> ReadQuotedBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var single = new StringBuilder(Math.Min(text.Length, MaxQuotedBody));
            foreach (var c in text.AsSpan(0, Math.Min(text.Length, MaxQuotedBody)))
            {
                single.Append(char.IsControl(c) ? ' ' : c);
            }

            return text.Length > MaxQuotedBody ? single + "…" : single.ToString();
        }
        catch (HttpRequestException)
        {
            return "";
        }
    }
}
