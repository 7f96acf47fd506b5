using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Omni.Engine.Webhooks;

/// <summary>
/// Verifies Slack's request signature (api.slack.com/authentication/verifying-requests-from-slack):
/// <c>X-Slack-Signature: v0=&lt;hex HMAC-SHA256&gt;</c> over <c>v0:{X-Slack-Request-Timestamp}:{raw body}</c>, keyed with the
/// app's signing secret. A timestamp more than <see cref="Tolerance"/> from now (either way) is refused before the body
/// is read, so a captured request cannot be replayed. Constant-time comparison; fails closed (no signing secret: nobody
/// gets in). Pure: the current time is passed in. Reasons never echo a secret or a signature.
/// </summary>
public static class SlackSignatureAuthentication
{
    public const string SignatureHeader = "X-Slack-Signature";
    public const string TimestampHeader = "X-Slack-Request-Timestamp";

    /// <summary>Slack's advice: refuse requests whose timestamp is more than five minutes away from now.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>What can be checked before the body arrives: a secret is configured, both headers are there, the timestamp is fresh.</summary>
    public static WebhookAuthResult CheckHeaders(string? signingSecret, string? signature, string? timestamp, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(signingSecret))
        {
            return WebhookAuthResult.Fail("no signing secret is configured for this instance");
        }

        if (string.IsNullOrWhiteSpace(timestamp))
        {
            return WebhookAuthResult.Fail($"the {TimestampHeader} header is missing");
        }

        if (string.IsNullOrWhiteSpace(signature))
        {
            return WebhookAuthResult.Fail($"the {SignatureHeader} header is missing");
        }

        if (!long.TryParse(timestamp.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return WebhookAuthResult.Fail($"the {TimestampHeader} header is not a Unix time in seconds");
        }

        var sentAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (sentAt < now - Tolerance)
        {
            return WebhookAuthResult.Fail($"the {TimestampHeader} is more than {Tolerance.TotalMinutes:0} minutes old");
        }

        return sentAt > now + Tolerance
            ? WebhookAuthResult.Fail($"the {TimestampHeader} is more than {Tolerance.TotalMinutes:0} minutes in the future")
            : WebhookAuthResult.Ok("slack headers");
    }

    /// <summary>The whole check: <see cref="CheckHeaders"/>, then the signature over the raw body.</summary>
    public static WebhookAuthResult Verify(string? signingSecret, string? signature, string? timestamp, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var headers = CheckHeaders(signingSecret, signature, timestamp, now);
        if (!headers.IsAuthenticated)
        {
            return headers;
        }

        var presented = signature!.Trim();
        if (!presented.StartsWith("v0=", StringComparison.Ordinal))
        {
            return WebhookAuthResult.Fail($"the {SignatureHeader} header is not a v0 signature");
        }

        Span<byte> expected = stackalloc byte[32];
        Hmac(signingSecret!, timestamp!.Trim(), body, expected);
        var given = new byte[32];
        var valid = presented.Length == 3 + 64 && TryHex(presented.AsSpan(3), given);
        // Compared even when malformed, so the time taken says nothing about where it failed.
        var matches = CryptographicOperations.FixedTimeEquals(expected, given) && valid;
        return matches
            ? WebhookAuthResult.Ok("slack v0 signature")
            : WebhookAuthResult.Fail($"the {SignatureHeader} signature does not verify");
    }

    /// <summary>The <c>X-Slack-Signature</c> value for a body; used by tests and the README's signing recipe.</summary>
    public static string Sign(string signingSecret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(signingSecret);
        Span<byte> mac = stackalloc byte[32];
        Hmac(signingSecret, timestamp.ToString(CultureInfo.InvariantCulture), body, mac);
        return "v0=" + Convert.ToHexStringLower(mac);
    }

    private static void Hmac(string secret, string timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.UTF8.GetBytes("v0:" + timestamp + ":"));
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }

    private static bool TryHex(ReadOnlySpan<char> hex, Span<byte> destination) =>
        Convert.FromHexString(hex, destination, out _, out var written) == System.Buffers.OperationStatus.Done && written == destination.Length;
}
