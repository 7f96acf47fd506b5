using System.Text;
using NSec.Cryptography;

namespace Omni.Engine.Webhooks;

/// <summary>
/// Verifies the Ed25519 signature Discord puts on every request to an application's Interactions Endpoint URL (and
/// Webhook Events URL): <c>X-Signature-Ed25519</c> is the hex signature of <c>X-Signature-Timestamp</c> followed by the
/// raw body, made with the application's key; the application's public key (hex, from the Developer Portal) checks
/// it. Discord sends deliberately bad signatures to test endpoints, and disables one that accepts them: anything
/// that does not verify fails, as does a missing header, malformed hex, and no configured key (fail closed).
/// </summary>
/// <remarks>
/// .NET 10's BCL has no Ed25519; NSec (over libsodium) verifies it. Discord documents no freshness window for the
/// timestamp, so none is enforced here: a replayed interaction carries its own id and is deduplicated downstream.
/// </remarks>
public static class DiscordInteractionAuthentication
{
    public const string SignatureHeader = "X-Signature-Ed25519";
    public const string TimestampHeader = "X-Signature-Timestamp";

    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;

    /// <param name="publicKeyHex">The application's public key, 64 hex characters (null or empty: reject every call).</param>
    /// <param name="signatureHex">The <c>X-Signature-Ed25519</c> header: 128 hex characters.</param>
    /// <param name="timestamp">The <c>X-Signature-Timestamp</c> header, signed as sent.</param>
    /// <param name="body">The raw request body, byte for byte as received.</param>
    public static WebhookAuthResult Verify(string? publicKeyHex, string? signatureHex, string? timestamp, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrWhiteSpace(publicKeyHex))
        {
            return WebhookAuthResult.Fail("no Discord public key is configured for this instance");
        }

        if (!TryHex(publicKeyHex, Ed25519.PublicKeySize, out var publicKeyBytes)
            || !PublicKey.TryImport(Ed25519, publicKeyBytes, KeyBlobFormat.RawPublicKey, out var publicKey))
        {
            return WebhookAuthResult.Fail($"the configured Discord public key is not {Ed25519.PublicKeySize * 2} hex characters of an Ed25519 key");
        }

        if (string.IsNullOrEmpty(signatureHex))
        {
            return WebhookAuthResult.Fail($"the {SignatureHeader} header is missing");
        }

        if (string.IsNullOrEmpty(timestamp))
        {
            return WebhookAuthResult.Fail($"the {TimestampHeader} header is missing");
        }

        if (!TryHex(signatureHex, Ed25519.SignatureSize, out var signature))
        {
            return WebhookAuthResult.Fail($"the {SignatureHeader} header is not {Ed25519.SignatureSize * 2} hex characters");
        }

        var timestampBytes = Encoding.UTF8.GetBytes(timestamp);
        var message = new byte[timestampBytes.Length + body.Length];
        timestampBytes.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(timestampBytes.Length));
        return Ed25519.Verify(publicKey!, message, signature)
            ? WebhookAuthResult.Ok("discord ed25519 signature")
            : WebhookAuthResult.Fail($"the {SignatureHeader} signature does not verify");
    }

    /// <summary>Plain Ed25519 verification (RFC 8032) of <paramref name="message"/>; false for keys or signatures of the wrong size.</summary>
    public static bool VerifyEd25519(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        signature.Length == Ed25519.SignatureSize
        && PublicKey.TryImport(Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out var key)
        && Ed25519.Verify(key!, message, signature);

    private static bool TryHex(string text, int bytes, out byte[] value)
    {
        var trimmed = text.Trim();
        value = [];
        if (trimmed.Length != bytes * 2)
        {
            return false;
        }

        try
        {
            value = Convert.FromHexString(trimmed);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
