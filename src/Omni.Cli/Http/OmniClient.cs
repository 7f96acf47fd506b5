using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Omni.Cli.Http;

/// <summary>
/// Omni's HTTP API as the CLI uses it: JSON in and out, the query key on every call, and any answer that is not a
/// success turned into an <see cref="OmniApiException"/> carrying the error shape's message.
/// </summary>
public sealed class OmniClient : IDisposable
{
    private readonly HttpClient _http;

    public OmniClient(Uri baseAddress, string? key, HttpMessageHandler? handler = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = baseAddress;
        _http.Timeout = TimeSpan.FromSeconds(100);
        if (!string.IsNullOrEmpty(key))
        {
            _http.DefaultRequestHeaders.Add("x-functions-key", key);
        }
    }

    public Uri BaseAddress => _http.BaseAddress!;

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    public Task<JsonElement> SendAsync(HttpMethod method, string path, string body, string contentType, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, contentType) }, cancellationToken);

    /// <summary>Posts raw bytes with extra headers (a signed webhook).</summary>
    public Task<JsonElement> PostBytesAsync(string path, byte[] body, IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return SendAsync(request, cancellationToken);
    }

    private async Task<JsonElement> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new OmniApiException(0, "unreachable", $"cannot reach Omni at {_http.BaseAddress}: {e.Message}");
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    throw Refusal((int)response.StatusCode, text);
                }

                return text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text);
            }
        }
    }

    /// <summary>The error shape's code and message, or the status and body when the answer is not that shape.</summary>
    private static OmniApiException Refusal(int status, string text)
    {
        try
        {
            if (JsonSerializer.Deserialize<JsonElement>(text) is { ValueKind: JsonValueKind.Object } json
                && json.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var code = error.TryGetProperty("code", out var c) ? c.GetString() ?? "" : "";
                var message = error.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
                return new OmniApiException(status, code, $"{status} {code}: {message}",
                    error.TryGetProperty("details", out var d) ? d.Clone() : null);
            }
        }
        catch (JsonException)
        {
        }

        return new OmniApiException(status, "http", $"{status}: {(text.Length > 300 ? text[..300] : text)}");
    }

    public void Dispose() => _http.Dispose();
}
