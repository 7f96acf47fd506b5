using System.Globalization;
using System.Text;
using NSec.Cryptography;
using Omni.Engine.Webhooks;

namespace Omni.Engine.Tests.Webhooks;

/// <summary>Standard Webhooks for generic senders: v1 (HMAC) or v1a (Ed25519), headers checked before the body.</summary>
public class StandardWebhooksSignaturesTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1767614400);
    private static readonly string Timestamp = Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"test":2432232314}""");

    private static (string PublicKey, string Signature) SignV1a(byte[] body, string id, string timestamp)
    {
        using var key = Key.Create(SignatureAlgorithm.Ed25519);
        var signature = SignatureAlgorithm.Ed25519.Sign(key, [.. Encoding.UTF8.GetBytes(id + "." + timestamp + "."), .. body]);
        return ("whpk_" + Convert.ToBase64String(key.PublicKey.Export(KeyBlobFormat.RawPublicKey)), "v1a," + Convert.ToBase64String(signature));
    }

    [Fact]
    public void Verify_V1WithTheSecret_Authenticated()
    {
        var signature = StandardWebhooksAuthentication.Sign(Secret, Id, Now.ToUnixTimeSeconds(), Body);

        Assert.True(StandardWebhooksSignatures.Verify(Secret, null, Id, Timestamp, signature, Body, Now).IsAuthenticated);
    }

    [Fact]
    public void Verify_V1aWithThePublicKey_Authenticated_TamperedOrOtherKeyRefused()
    {
        var (publicKey, signature) = SignV1a(Body, Id, Timestamp);
        var (otherKey, _) = SignV1a(Body, Id, Timestamp);

        Assert.True(StandardWebhooksSignatures.Verify(null, publicKey, Id, Timestamp, "v1,bm9wZQ== " + signature, Body, Now).IsAuthenticated);
        Assert.False(StandardWebhooksSignatures.Verify(null, publicKey, Id, Timestamp, signature, [.. Body, (byte)' '], Now).IsAuthenticated);
        Assert.False(StandardWebhooksSignatures.Verify(null, publicKey, "msg_other", Timestamp, signature, Body, Now).IsAuthenticated);
        Assert.False(StandardWebhooksSignatures.Verify(null, otherKey, Id, Timestamp, signature, Body, Now).IsAuthenticated);
        Assert.False(StandardWebhooksSignatures.Verify(Secret, null, Id, Timestamp, signature, Body, Now).IsAuthenticated);
    }

    [Theory]
    [InlineData(null, "1767614400", "v1,x", "webhook-id header is missing")]
    [InlineData(Id, null, "v1,x", "webhook-timestamp header is missing")]
    [InlineData(Id, "1767614400", null, "webhook-signature header is missing")]
    [InlineData(Id, "1767614099", "v1,x", "more than 5 minutes old")]
    [InlineData(Id, "1767614701", "v1,x", "in the future")]
    public void CheckHeaders_RefusedBeforeTheBody(string? id, string? timestamp, string? signature, string reason)
    {
        var result = StandardWebhooksSignatures.CheckHeaders(Secret, null, id, timestamp, signature, Now);

        Assert.False(result.IsAuthenticated);
        Assert.Contains(reason, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckHeaders_NoSecretNorKey_FailsClosed() =>
        Assert.Contains("no webhook secret or public key",
            StandardWebhooksSignatures.CheckHeaders(null, " ", Id, Timestamp, "v1,x", Now).Reason, StringComparison.Ordinal);
}
