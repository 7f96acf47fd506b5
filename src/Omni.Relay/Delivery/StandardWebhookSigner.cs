using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Omni.Relay.Delivery;

/// <summary>
/// Signs a delivery the Standard Webhooks way (standardwebhooks.com): <c>webhook-signature: v1,&lt;base64 of
/// HMAC-SHA256("{id}.{timestamp}.{body}")&gt;</c>, keyed with the bytes of the base64 part of the instance's
/// <c>whsec_…</c> secret. Omni verifies it with <c>StandardWebhooksAuthentication</c>.
/// </summary>
public sealed class StandardWebhookSigner
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    private const string SecretPrefix = "whsec_";

    private readonly byte[] _key;

    public StandardWebhookSigner(string secret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        var text = secret.Trim();
        if (text.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            text = text[SecretPrefix.Length..];
        }

        var key = new byte[text.Length];
        if (text.Length == 0 || !Convert.TryFromBase64String(text, key, out var written))
        {
            throw new ArgumentException("the webhook secret is not whsec_ followed by base64", nameof(secret));
        }

        _key = key[..written];
    }

    /// <summary>The <c>webhook-signature</c> value for one attempt.</summary>
    public string Sign(string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        hmac.AppendData(Encoding.UTF8.GetBytes(webhookId + "." + timestamp.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        return "v1," + Convert.ToBase64String(hmac.GetHashAndReset());
    }
}
