using System.Globalization;
using System.Text;

namespace Omni.Engine.Webhooks;

/// <summary>
/// Standard Webhooks for generic senders, symmetric and asymmetric: the instance has a <c>whsec_</c> secret (v1,
/// HMAC-SHA256, checked by <see cref="StandardWebhooksAuthentication"/>), a <c>whpk_</c> Ed25519 public key (v1a:
/// <c>webhook-signature</c> entries <c>v1a,&lt;base64 signature&gt;</c> of <c>{id}.{timestamp}.{body}</c>), or both
/// (either verifies). <see cref="CheckHeaders"/> refuses what it can before the body is read: no key configured
/// (fail closed), a missing header, a timestamp outside the 5-minute tolerance. Pure; reasons never echo a key.
/// </summary>
public static class StandardWebhooksSignatures
{
    public const string PublicKeyPrefix = "whpk_";

    public static WebhookAuthResult CheckHeaders(
        string? secret, string? publicKey, string? webhookId, string? webhookTimestamp, string? webhookSignature, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(secret) && string.IsNullOrWhiteSpace(publicKey))
        {
            return WebhookAuthResult.Fail("no webhook secret or public key is configured for this instance");
        }

        foreach (var (name, value) in new[]
                 {
                     (StandardWebhooksAuthentication.IdHeader, webhookId), (StandardWebhooksAuthentication.TimestampHeader, webhookTimestamp),
                     (StandardWebhooksAuthentication.SignatureHeader, webhookSignature),
                 })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return WebhookAuthResult.Fail($"the {name} header is missing");
            }
        }

        if (!long.TryParse(webhookTimestamp!.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return WebhookAuthResult.Fail($"the {StandardWebhooksAuthentication.TimestampHeader} header is not a Unix time in seconds");
        }

        var sentAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        var tolerance = StandardWebhooksAuthentication.Tolerance;
        return sentAt < now - tolerance
            ? WebhookAuthResult.Fail($"the {StandardWebhooksAuthentication.TimestampHeader} is more than {tolerance.TotalMinutes:0} minutes old")
            : sentAt > now + tolerance
                ? WebhookAuthResult.Fail($"the {StandardWebhooksAuthentication.TimestampHeader} is more than {tolerance.TotalMinutes:0} minutes in the future")
                : WebhookAuthResult.Ok("standard webhooks headers");
    }

    public static WebhookAuthResult Verify(
        string? secret, string? publicKey, string? webhookId, string? webhookTimestamp, string? webhookSignature, ReadOnlySpan<byte> body,
        DateTimeOffset now)
    {
        var headers = CheckHeaders(secret, publicKey, webhookId, webhookTimestamp, webhookSignature, now);
        if (!headers.IsAuthenticated)
        {
            return headers;
        }

        var symmetric = string.IsNullOrWhiteSpace(secret)
            ? (WebhookAuthResult?)null
            : StandardWebhooksAuthentication.Verify(secret, webhookId, webhookTimestamp, webhookSignature, body, now);
        if (symmetric is { IsAuthenticated: true } ok)
        {
            return ok;
        }

        if (string.IsNullOrWhiteSpace(publicKey))
        {
            return symmetric!.Value;
        }

        if (!TryDecode(publicKey, PublicKeyPrefix, out var key) || key.Length != 32)
        {
            return WebhookAuthResult.Fail("the configured public key is not the base64 of a 32-byte Ed25519 public key (after an optional whpk_ prefix)");
        }

        var signed = Encoding.UTF8.GetBytes(webhookId!.Trim() + "." + webhookTimestamp!.Trim() + ".");
        var message = new byte[signed.Length + body.Length];
        signed.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(signed.Length));
        var matched = false;
        foreach (var entry in webhookSignature!.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (entry.StartsWith("v1a,", StringComparison.Ordinal) && TryDecode(entry[4..], "", out var signature))
            {
                matched |= DiscordInteractionAuthentication.VerifyEd25519(key, message, signature);
            }
        }

        return matched
            ? WebhookAuthResult.Ok("standard webhooks v1a signature")
            : WebhookAuthResult.Fail($"no v1 or v1a signature in the {StandardWebhooksAuthentication.SignatureHeader} header verifies");
    }

    private static bool TryDecode(string text, string prefix, out byte[] bytes)
    {
        var trimmed = text.Trim();
        if (prefix.Length > 0 && trimmed.StartsWith(prefix, StringComparison.Ordinal))
        {
            trimmed = trimmed[prefix.Length..];
        }

        bytes = new byte[trimmed.Length];
        if (trimmed.Length > 0 && Convert.TryFromBase64String(trimmed, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        bytes = [];
        return false;
    }
}
