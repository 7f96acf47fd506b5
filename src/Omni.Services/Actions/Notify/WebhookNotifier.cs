using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Omni.Services.Actions.Http;
using Omni.Services.Configuration;

namespace Omni.Services.Actions.Notify;

/// <summary>
/// POSTs (or PUTs) a JSON notification to a URL, the way every Omni notification goes out:
/// <list type="bullet">
/// <item><c>content-type: application/json</c>; the body bytes are sent exactly as signed.</item>
/// <item><c>x-omni-signature: sha256=&lt;hex HMAC-SHA256 of the body with Omni:Notify:Secret&gt;</c> when a secret is configured
/// (the receiver recomputes it over the raw body and compares in constant time).</item>
/// <item><c>idempotency-key: {run_id}/{step_id}</c>, so a receiver can drop the rare duplicate itself.</item>
/// <item><c>x-omni-event-id</c>: the triggering event.</item>
/// </list>
/// Only https targets, unless <c>Omni:Notify:AllowHttp</c> is set (development, tests).
/// </summary>
public sealed class WebhookNotifier(IHttpClientFactory clients, OmniOptions options, TimeProvider time)
{
    public const string SignatureHeader = "x-omni-signature";

    public Uri ValidateUrl(string actionId, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || !Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
        {
            throw new PermanentActionException($"{actionId}: '{value}' is not an absolute http(s) URL.");
        }

        if (url.Scheme == "http" && !options.Notify.AllowHttp)
        {
            throw new PermanentActionException($"{actionId}: only https URLs are allowed (Omni:Notify:AllowHttp is off).");
        }

        return url;
    }

    /// <summary>Sends the body; returns the receiver's status code (2xx). Failures throw, classified by <see cref="ProviderHttp"/>.</summary>
    public async Task<int> SendAsync(
        string actionId, Uri url, HttpMethod method, byte[] body, ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        using var request = new HttpRequestMessage(method, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("idempotency-key", invocation.EffectKey);
        request.Headers.TryAddWithoutValidation("x-omni-event-id", invocation.Event.EventId);
        if (!string.IsNullOrEmpty(options.Notify.Secret))
        {
            request.Headers.TryAddWithoutValidation(SignatureHeader, Sign(options.Notify.Secret, body));
        }

        using var response = await ProviderHttp.SendAsync(clients.CreateClient(ActionHttpClients.Notify), request,
            $"{actionId}: {method} {url.GetLeftPart(UriPartial.Path)}", options.Notify.Timeout, time, cancellationToken);
        return (int)response.StatusCode;
    }

    /// <summary><c>sha256=</c> + lowercase hex of HMAC-SHA256(secret, body).</summary>
    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>
    /// The bytes to send for a <c>body</c> parameter: a JSON object or array as-is (given as JSON or as a string holding JSON),
    /// any other text wrapped as <c>{"text": "..."}</c>; null when absent.
    /// </summary>
    public static byte[]? BodyFromParameter(JsonElement? body)
    {
        if (body is not { } value)
        {
            return null;
        }

        if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
        {
            return Encoding.UTF8.GetBytes(value.GetRawText());
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText();
        try
        {
            using var parsed = JsonDocument.Parse(text);
            if (parsed.RootElement.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                return Encoding.UTF8.GetBytes(text);
            }
        }
        catch (JsonException)
        {
            // Plain text: wrapped below.
        }

        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["text"] = text });
    }

    /// <summary>Where a notification went, without query string or credentials (they may hold tokens).</summary>
    public static string Describe(Uri url) => url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
}
