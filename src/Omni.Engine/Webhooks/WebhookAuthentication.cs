using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Omni.Engine.Webhooks;

/// <summary>Outcome of checking a webhook caller. <see cref="Reason"/> is safe to return to the caller: it never echoes a secret.</summary>
public readonly record struct WebhookAuthResult(bool IsAuthenticated, string Reason)
{
    public static WebhookAuthResult Ok(string how) => new(true, how);

    public static WebhookAuthResult Fail(string reason) => new(false, reason);
}

/// <summary>
/// How an Evolution API instance proves itself. Evolution cannot sign bodies, so it is configured to send either
/// a static secret header (<c>x-webhook-secret</c>) or, in its <c>jwt_key</c> mode, <c>Authorization: Bearer &lt;JWT&gt;</c>
/// signed HS256 with the shared key. Fails closed: no configured secret means nobody gets in.
/// </summary>
public static class EvolutionWebhookAuthentication
{
    public const string SecretHeader = "x-webhook-secret";

    /// <param name="configuredSecret">The instance's secret from settings (null or empty: reject every call).</param>
    /// <param name="secretHeader">Value of <c>x-webhook-secret</c>, if sent.</param>
    /// <param name="authorizationHeader">Value of <c>Authorization</c>, if sent.</param>
    /// <param name="now">The current time (for the JWT's <c>exp</c>); passed in, never read from a clock here.</param>
    public static WebhookAuthResult Authenticate(string? configuredSecret, string? secretHeader, string? authorizationHeader, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(configuredSecret))
        {
            return WebhookAuthResult.Fail("no webhook secret is configured for this instance");
        }

        if (!string.IsNullOrEmpty(secretHeader))
        {
            return FixedTimeEquals(secretHeader, configuredSecret)
                ? WebhookAuthResult.Ok("secret header")
                : WebhookAuthResult.Fail("the x-webhook-secret header does not match");
        }

        const string bearer = "Bearer ";
        if (authorizationHeader is not null && authorizationHeader.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
        {
            return HmacJwt.Verify(authorizationHeader[bearer.Length..].Trim(), configuredSecret, now);
        }

        return WebhookAuthResult.Fail("send the x-webhook-secret header or an Authorization: Bearer JWT");
    }

    /// <summary>Constant-time comparison that also hides the secret's length (both sides are hashed first).</summary>
    public static bool FixedTimeEquals(string presented, string expected)
    {
        Span<byte> a = stackalloc byte[32];
        Span<byte> b = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}

/// <summary>Minimal, strict HS256 JWT verification: header must say HS256, signature must match, <c>exp</c> must be in the future.</summary>
public static class HmacJwt
{
    /// <summary>Clock skew tolerated on <c>exp</c> and <c>nbf</c>.</summary>
    public static readonly TimeSpan Leeway = TimeSpan.FromSeconds(60);

    public static WebhookAuthResult Verify(string token, string secret, DateTimeOffset now)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return WebhookAuthResult.Fail("the bearer token is not a JWT");
        }

        if (!TryDecode(parts[0], out var headerBytes) || !TryDecode(parts[1], out var payloadBytes) || !TryDecode(parts[2], out var signature))
        {
            return WebhookAuthResult.Fail("the bearer token is not valid base64url");
        }

        try
        {
            using var header = JsonDocument.Parse(headerBytes);
            if (header.RootElement.ValueKind != JsonValueKind.Object || !header.RootElement.TryGetProperty("alg", out var alg) ||
                alg.ValueKind != JsonValueKind.String || alg.GetString() != "HS256")
            {
                return WebhookAuthResult.Fail("the bearer token must be signed with HS256");
            }

            var signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
            var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signingInput);
            if (!CryptographicOperations.FixedTimeEquals(expected, signature))
            {
                return WebhookAuthResult.Fail("the bearer token's signature does not match");
            }

            using var payload = JsonDocument.Parse(payloadBytes);
            var claims = payload.RootElement;
            if (claims.ValueKind != JsonValueKind.Object || !claims.TryGetProperty("exp", out var exp) ||
                exp.ValueKind != JsonValueKind.Number || !exp.TryGetInt64(out var expSeconds))
            {
                return WebhookAuthResult.Fail("the bearer token has no exp claim");
            }

            if (DateTimeOffset.FromUnixTimeSeconds(expSeconds) + Leeway < now)
            {
                return WebhookAuthResult.Fail("the bearer token has expired");
            }

            if (claims.TryGetProperty("nbf", out var nbf) && nbf.ValueKind == JsonValueKind.Number && nbf.TryGetInt64(out var nbfSeconds) &&
                DateTimeOffset.FromUnixTimeSeconds(nbfSeconds) - Leeway > now)
            {
                return WebhookAuthResult.Fail("the bearer token is not valid yet");
            }

            return WebhookAuthResult.Ok("bearer jwt");
        }
        catch (JsonException)
        {
            return WebhookAuthResult.Fail("the bearer token's header or payload is not JSON");
        }
    }

    /// <summary>Creates a token; used by tests and by tooling that plays the provider's part.</summary>
    public static string Sign(string payloadJson, string secret)
    {
        var header = Encode(Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}"""));
        var payload = Encode(Encoding.UTF8.GetBytes(payloadJson));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(header + "." + payload));
        return header + "." + payload + "." + Encode(signature);
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecode(string segment, out byte[] bytes)
    {
        var s = segment.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
        try
        {
            bytes = Convert.FromBase64String(s);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
