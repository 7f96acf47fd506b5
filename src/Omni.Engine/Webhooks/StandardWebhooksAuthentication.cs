using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Omni.Engine.Webhooks;

/// <summary>
/// Verifies a Standard Webhooks signature (standardwebhooks.com), the scheme our Discord relay signs its frames with:
/// <list type="bullet">
/// <item>headers <c>webhook-id</c> (the message id), <c>webhook-timestamp</c> (Unix seconds) and
/// <c>webhook-signature</c>: space-separated <c>v1,&lt;base64&gt;</c> entries (several while the sender rotates keys;
/// entries of other versions are ignored);</item>
/// <item>the signature is HMAC-SHA256 over <c>{id}.{timestamp}.{raw body}</c>, keyed with the secret's bytes: the
/// configured secret is <c>whsec_&lt;base64&gt;</c> (the prefix is optional), decoded after the prefix;</item>
/// <item>the timestamp must be within <see cref="Tolerance"/> of now, either way, so a captured request cannot be
/// replayed later;</item>
/// <item>comparisons are constant-time, and it fails closed: no secret configured (or one that is not base64) lets
/// nobody in.</item>
/// </list>
/// Pure: the current time is passed in. Reasons never echo a secret or a signature.
/// </summary>
public static class StandardWebhooksAuthentication
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    /// <summary>The prefix of a Standard Webhooks secret.</summary>
    public const string SecretPrefix = "whsec_";

    /// <summary>How far the timestamp may be from now, in the past or the future.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <param name="configuredSecret">The instance's secret, <c>whsec_&lt;base64&gt;</c> (null or empty: reject every call).</param>
    /// <param name="webhookId">The <c>webhook-id</c> header.</param>
    /// <param name="webhookTimestamp">The <c>webhook-timestamp</c> header (Unix seconds).</param>
    /// <param name="webhookSignature">The <c>webhook-signature</c> header.</param>
    /// <param name="body">The raw request body, byte for byte as received.</param>
    /// <param name="now">The current time; passed in, never read from a clock here.</param>
    public static WebhookAuthResult Verify(
        string? configuredSecret,
        string? webhookId,
        string? webhookTimestamp,
        string? webhookSignature,
        ReadOnlySpan<byte> body,
        DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(configuredSecret))
        {
            return WebhookAuthResult.Fail("no webhook secret is configured for this instance");
        }

        if (!TryDecodeSecret(configuredSecret, out var key))
        {
            return WebhookAuthResult.Fail("the configured webhook secret is not whsec_ followed by base64");
        }

        if (string.IsNullOrWhiteSpace(webhookId))
        {
            return WebhookAuthResult.Fail($"the {IdHeader} header is missing");
        }

        if (string.IsNullOrWhiteSpace(webhookTimestamp))
        {
            return WebhookAuthResult.Fail($"the {TimestampHeader} header is missing");
        }

        if (string.IsNullOrWhiteSpace(webhookSignature))
        {
            return WebhookAuthResult.Fail($"the {SignatureHeader} header is missing");
        }

        if (!long.TryParse(webhookTimestamp.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return WebhookAuthResult.Fail($"the {TimestampHeader} header is not a Unix time in seconds");
        }

        var sentAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (sentAt < now - Tolerance)
        {
            return WebhookAuthResult.Fail($"the {TimestampHeader} is more than {Tolerance.TotalMinutes:0} minutes old");
        }

        if (sentAt > now + Tolerance)
        {
            return WebhookAuthResult.Fail($"the {TimestampHeader} is more than {Tolerance.TotalMinutes:0} minutes in the future");
        }

        // The signed text uses the headers as sent.
        var expected = Convert.ToBase64String(Hmac(key, webhookId.Trim(), webhookTimestamp.Trim(), body));
        var sawVersion1 = false;
        var matched = false;
        foreach (var entry in webhookSignature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = entry.IndexOf(',', StringComparison.Ordinal);
            if (comma <= 0 || !string.Equals(entry[..comma], "v1", StringComparison.Ordinal))
            {
                continue;
            }

            sawVersion1 = true;
            // Every entry is compared (no early exit), each in constant time.
            matched |= EvolutionWebhookAuthentication.FixedTimeEquals(entry[(comma + 1)..], expected);
        }

        if (matched)
        {
            return WebhookAuthResult.Ok("standard webhooks signature");
        }

        return WebhookAuthResult.Fail(sawVersion1
            ? $"no v1 signature in the {SignatureHeader} header matches"
            : $"the {SignatureHeader} header has no v1 signature");
    }

    /// <summary>
    /// The <c>webhook-signature</c> value (<c>v1,&lt;base64&gt;</c>) for a message; used by tests and by tooling that
    /// plays the relay's part.
    /// </summary>
    public static string Sign(string secret, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(webhookId);
        if (!TryDecodeSecret(secret, out var key))
        {
            throw new ArgumentException("the secret is not whsec_ followed by base64", nameof(secret));
        }

        return "v1," + Convert.ToBase64String(Hmac(key, webhookId, timestamp.ToString(CultureInfo.InvariantCulture), body));
    }

    private static byte[] Hmac(byte[] key, string webhookId, string timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes(webhookId + "." + timestamp + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    private static bool TryDecodeSecret(string secret, out byte[] key)
    {
        var text = secret.Trim();
        if (text.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            text = text[SecretPrefix.Length..];
        }

        key = new byte[text.Length];
        if (text.Length == 0 || !Convert.TryFromBase64String(text, key, out var written))
        {
            key = [];
            return false;
        }

        key = key[..written];
        return true;
    }
}
