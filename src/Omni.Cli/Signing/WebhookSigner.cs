using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Omni.Cli.Signing;

/// <summary>
/// The headers a provider sends to prove a webhook is its own, by the provider's documented scheme, so
/// <c>omni send</c> plays the provider's part: Evolution's static <c>x-webhook-secret</c>; Standard Webhooks
/// (standardwebhooks.com: <c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature: v1,base64(HMAC-SHA256(key,
/// "{id}.{timestamp}.{body}"))</c>, key = the base64 after <c>whsec_</c>) for the Discord relay and generic webhooks;
/// Telegram's <c>X-Telegram-Bot-Api-Secret-Token</c>; Slack's <c>X-Slack-Signature: v0=hex(HMAC-SHA256(secret,
/// "v0:{timestamp}:{body}"))</c> with <c>X-Slack-Request-Timestamp</c>.
/// </summary>
public static class WebhookSigner
{
    public static readonly IReadOnlyList<string> Providers = ["evolution", "discord", "webhook", "telegram", "slack"];

    public static IReadOnlyList<KeyValuePair<string, string>> Headers(string provider, string secret, byte[] body, DateTimeOffset now, string messageId)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var timestamp = now.ToUnixTimeSeconds();
        var ts = timestamp.ToString(CultureInfo.InvariantCulture);
        return provider switch
        {
            "evolution" => [new("x-webhook-secret", secret)],
            "discord" or "webhook" =>
            [
                new("webhook-id", messageId),
                new("webhook-timestamp", ts),
                new("webhook-signature", StandardWebhooksSignature(secret, messageId, timestamp, body)),
            ],
            "telegram" => [new("X-Telegram-Bot-Api-Secret-Token", secret)],
            "slack" => [new("X-Slack-Request-Timestamp", ts), new("X-Slack-Signature", SlackSignature(secret, timestamp, body))],
            _ => throw new ArgumentException($"no signing scheme for provider '{provider}'", nameof(provider)),
        };
    }

    /// <summary><c>v1,&lt;base64&gt;</c> over <c>{id}.{timestamp}.{body}</c>, keyed with the secret's decoded bytes.</summary>
    public static string StandardWebhooksSignature(string secret, string messageId, long timestamp, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var text = secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret["whsec_".Length..] : secret;
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new ArgumentException("a Standard Webhooks secret is whsec_ followed by base64", nameof(secret));
        }

        var prefix = Encoding.UTF8.GetBytes($"{messageId}.{timestamp.ToString(CultureInfo.InvariantCulture)}.");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, (byte[])[.. prefix, .. body]));
    }

    /// <summary><c>v0=&lt;hex&gt;</c> over <c>v0:{timestamp}:{body}</c>, keyed with the signing secret's UTF-8 bytes.</summary>
    public static string SlackSignature(string secret, long timestamp, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes($"v0:{timestamp.ToString(CultureInfo.InvariantCulture)}:");
        return "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), (byte[])[.. prefix, .. body]));
    }
}
