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

    [Fact]
    public void Verify_V1aSignature_OkReasonNamesV1a()
    {
        var (publicKey, signature) = SignV1a(Body, Id, Timestamp);

        var result = StandardWebhooksSignatures.Verify(null, publicKey, Id, Timestamp, signature, Body, Now);

        Assert.Equal((true, "standard webhooks v1a signature"), (result.IsAuthenticated, result.Reason));
    }

    [Fact]
    public void Verify_TwoValidV1aSignaturesInOneHeader_Authenticated()
    {
        // Senders rotating keys (or resending) may list several valid entries: any one verifying is enough, however many do.
        var (publicKey, signature) = SignV1a(Body, Id, Timestamp);

        var result = StandardWebhooksSignatures.Verify(null, publicKey, Id, Timestamp, signature + " " + signature, Body, Now);

        Assert.Equal((true, "standard webhooks v1a signature"), (result.IsAuthenticated, result.Reason));
    }

    [Theory]
    [InlineData("v2a,")]
    [InlineData("v1b,")]
    [InlineData("xxxx")]
    public void Verify_ValidEd25519SignatureUnderAnotherVersionTag_Refused(string tag)
    {
        var (publicKey, signature) = SignV1a(Body, Id, Timestamp);

        var result = StandardWebhooksSignatures.Verify(null, publicKey, Id, Timestamp, tag + signature["v1a,".Length..], Body, Now);

        Assert.Equal((false, "no v1 or v1a signature in the webhook-signature header verifies"), (result.IsAuthenticated, result.Reason));
    }

    [Fact]
    public void Verify_NoEntryVerifies_FailReasonNamesTheHeader()
    {
        var (publicKey, _) = SignV1a(Body, Id, Timestamp);

        var result = StandardWebhooksSignatures.Verify(null, publicKey, Id, Timestamp, "v1a,!!notbase64 v1a,", Body, Now);

        Assert.Equal((false, "no v1 or v1a signature in the webhook-signature header verifies"), (result.IsAuthenticated, result.Reason));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void Verify_PublicKeyThatDecodesButIsNot32Bytes_RefusedAsAMisconfiguredKey(int length)
    {
        var (_, signature) = SignV1a(Body, Id, Timestamp);
        var publicKey = "whpk_" + Convert.ToBase64String(new byte[length]);

        var result = StandardWebhooksSignatures.Verify(null, publicKey, Id, Timestamp, signature, Body, Now);

        Assert.Equal((false, "the configured public key is not the base64 of a 32-byte Ed25519 public key (after an optional whpk_ prefix)"),
            (result.IsAuthenticated, result.Reason));
    }

    [Theory]
    [InlineData("whpk_")]
    [InlineData("whpk_!!!")]
    public void Verify_PublicKeyThatIsNotBase64_RefusedAsAMisconfiguredKey(string publicKey)
    {
        var (_, signature) = SignV1a(Body, Id, Timestamp);

        var result = StandardWebhooksSignatures.Verify(null, publicKey, Id, Timestamp, signature, Body, Now);

        Assert.Equal((false, "the configured public key is not the base64 of a 32-byte Ed25519 public key (after an optional whpk_ prefix)"),
            (result.IsAuthenticated, result.Reason));
    }

    [Fact]
    public void Verify_PublicKeyWithoutTheWhpkPrefix_Accepted_LikeASecretWithoutWhsec()
    {
        var (publicKey, signature) = SignV1a(Body, Id, Timestamp);

        var result = StandardWebhooksSignatures.Verify(null, " " + publicKey["whpk_".Length..] + " ", Id, Timestamp, signature, Body, Now);

        Assert.Equal((true, "standard webhooks v1a signature"), (result.IsAuthenticated, result.Reason));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Verify_EmptyOrWhitespaceSecretBesideAPublicKey_TheV1aSignatureDecides(string secret)
    {
        var (publicKey, signature) = SignV1a(Body, Id, Timestamp);
        var (otherKey, _) = SignV1a(Body, Id, Timestamp);

        var verified = StandardWebhooksSignatures.Verify(secret, publicKey, Id, Timestamp, signature, Body, Now);
        var refused = StandardWebhooksSignatures.Verify(secret, otherKey, Id, Timestamp, signature, Body, Now);

        Assert.Equal((true, "standard webhooks v1a signature"), (verified.IsAuthenticated, verified.Reason));
        Assert.Equal((false, "no v1 or v1a signature in the webhook-signature header verifies"), (refused.IsAuthenticated, refused.Reason));
    }

    [Fact]
    public void Verify_SecretOnly_WrongV1Signature_ReasonFromTheV1Check()
    {
        var result = StandardWebhooksSignatures.Verify(Secret, null, Id, Timestamp, "v1,bm9wZQ==", Body, Now);

        Assert.Equal((false, "no v1 signature in the webhook-signature header matches"), (result.IsAuthenticated, result.Reason));
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(300)]
    public void CheckHeaders_TimestampWithinTheToleranceInclusive_Ok(int offsetSeconds)
    {
        var timestamp = (Now.ToUnixTimeSeconds() + offsetSeconds).ToString(CultureInfo.InvariantCulture);

        var result = StandardWebhooksSignatures.CheckHeaders(Secret, null, Id, timestamp, "v1,x", Now);

        Assert.Equal((true, "standard webhooks headers"), (result.IsAuthenticated, result.Reason));
    }

    [Theory]
    [InlineData(-301, "the webhook-timestamp is more than 5 minutes old")]
    [InlineData(301, "the webhook-timestamp is more than 5 minutes in the future")]
    public void CheckHeaders_TimestampOneSecondOutsideTheTolerance_Refused(int offsetSeconds, string reason)
    {
        var timestamp = (Now.ToUnixTimeSeconds() + offsetSeconds).ToString(CultureInfo.InvariantCulture);

        var result = StandardWebhooksSignatures.CheckHeaders(Secret, null, Id, timestamp, "v1,x", Now);

        Assert.Equal((false, reason), (result.IsAuthenticated, result.Reason));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1767614400.5")]
    [InlineData("253402300800")] // one second after DateTimeOffset.MaxValue
    [InlineData("99999999999999999999")]
    public void CheckHeaders_TimestampNotUnixSeconds_Refused(string timestamp)
    {
        var result = StandardWebhooksSignatures.CheckHeaders(Secret, null, Id, timestamp, "v1,x", Now);

        Assert.Equal((false, "the webhook-timestamp header is not a Unix time in seconds"), (result.IsAuthenticated, result.Reason));
    }

    [Fact]
    public void CheckHeaders_TimestampAtTheLastRepresentableSecond_ParsedAndRefusedAsFuture()
    {
        var last = DateTimeOffset.MaxValue.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        var result = StandardWebhooksSignatures.CheckHeaders(Secret, null, Id, last, "v1,x", Now);

        Assert.Equal((false, "the webhook-timestamp is more than 5 minutes in the future"), (result.IsAuthenticated, result.Reason));
    }
}
