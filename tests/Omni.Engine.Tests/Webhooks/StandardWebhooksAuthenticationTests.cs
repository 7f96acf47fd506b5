using System.Text;
using Omni.Engine.Webhooks;

namespace Omni.Engine.Tests.Webhooks;

public class StandardWebhooksAuthenticationTests
{
    // The Standard Webhooks reference libraries' published vector (standard-webhooks/standard-webhooks,
    // libraries/javascript/src/webhook.test.ts, "sign function works").
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecPayload = "{\"test\": 2432232314}";
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static readonly DateTimeOffset SpecNow = DateTimeOffset.FromUnixTimeSeconds(SpecTimestamp);

    // Our own: 32 random-looking bytes, a relay frame, a time in 2026.
    private const string Secret = "whsec_q3lL3Dq6Qb0Wc3V0eN1mJ0yH2u5kP8sT4rA6zX9cF1E=";
    private const string Id = "msg_2vJb7R9kQ";
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"op\":0,\"t\":\"MESSAGE_CREATE\",\"s\":7,\"d\":{\"id\":\"1\",\"content\":\"olá\"}}");

    private static string Ts(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static WebhookAuthResult Verify(string? signature, string? id = Id, string? timestamp = null, byte[]? body = null, string? secret = Secret) =>
        StandardWebhooksAuthentication.Verify(secret, id, timestamp ?? Ts(Now), signature, body ?? Body, Now);

    private static string Signature(DateTimeOffset? at = null, string secret = Secret, byte[]? body = null) =>
        StandardWebhooksAuthentication.Sign(secret, Id, (at ?? Now).ToUnixTimeSeconds(), body ?? Body);

    [Fact]
    public void Sign_SpecVector_MatchesPublishedSignature()
    {
        Assert.Equal(SpecSignature, StandardWebhooksAuthentication.Sign(SpecSecret, SpecId, SpecTimestamp, Encoding.UTF8.GetBytes(SpecPayload)));
    }

    [Fact]
    public void Verify_SpecVector_Succeeds()
    {
        var result = StandardWebhooksAuthentication.Verify(
            SpecSecret, SpecId, "1614265330", SpecSignature, Encoding.UTF8.GetBytes(SpecPayload), SpecNow);

        Assert.True(result.IsAuthenticated, result.Reason);
    }

    [Fact]
    public void Verify_SpecVectorSecretWithoutPrefix_Succeeds()
    {
        var result = StandardWebhooksAuthentication.Verify(
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", SpecId, "1614265330", SpecSignature, Encoding.UTF8.GetBytes(SpecPayload), SpecNow);

        Assert.True(result.IsAuthenticated, result.Reason);
    }

    [Fact]
    public void Verify_OwnSignature_Succeeds()
    {
        var result = Verify(Signature());

        Assert.True(result.IsAuthenticated, result.Reason);
        Assert.Equal("standard webhooks signature", result.Reason);
    }

    [Fact]
    public void Verify_SeveralSignaturesOneValid_Succeeds()
    {
        // During a key rotation the sender signs with the old and the new key; other versions are ignored.
        var other = StandardWebhooksAuthentication.Sign("whsec_" + Convert.ToBase64String(new byte[32]), Id, Now.ToUnixTimeSeconds(), Body);
        var header = string.Join(' ', "v1a,bm90LWVkMjU1MTk=", other, Signature(), "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=");

        Assert.True(Verify(header).IsAuthenticated);
    }

    [Fact]
    public void Verify_NoSecretConfigured_FailsClosed()
    {
        foreach (var secret in new[] { null, "", "   " })
        {
            var result = Verify(Signature(), secret: secret);
            Assert.False(result.IsAuthenticated);
            Assert.Equal("no webhook secret is configured for this instance", result.Reason);
        }
    }

    [Theory]
    [InlineData("whsec_")]
    [InlineData("whsec_not base64!")]
    public void Verify_SecretNotBase64_FailsClosed(string secret)
    {
        var result = Verify(Signature(), secret: secret);

        Assert.False(result.IsAuthenticated);
        Assert.Contains("not whsec_ followed by base64", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_MissingId_FailsNamingTheHeader()
    {
        var result = Verify(Signature(), id: null);

        Assert.False(result.IsAuthenticated);
        Assert.Equal("the webhook-id header is missing", result.Reason);
    }

    [Fact]
    public void Verify_MissingTimestamp_FailsNamingTheHeader()
    {
        var result = StandardWebhooksAuthentication.Verify(Secret, Id, null, Signature(), Body, Now);

        Assert.False(result.IsAuthenticated);
        Assert.Equal("the webhook-timestamp header is missing", result.Reason);
    }

    [Fact]
    public void Verify_MissingSignature_FailsNamingTheHeader()
    {
        var result = Verify(signature: "");

        Assert.False(result.IsAuthenticated);
        Assert.Equal("the webhook-signature header is missing", result.Reason);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("-1614265330")]
    [InlineData("1614265330.5")]
    [InlineData("99999999999999999999")]
    public void Verify_TimestampNotUnixSeconds_Fails(string timestamp)
    {
        var result = Verify(Signature(), timestamp: timestamp);

        Assert.False(result.IsAuthenticated);
        Assert.Equal("the webhook-timestamp header is not a Unix time in seconds", result.Reason);
    }

    [Fact]
    public void Verify_StaleTimestamp_Fails()
    {
        var sentAt = Now - TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1);

        var result = Verify(Signature(sentAt), timestamp: Ts(sentAt));

        Assert.False(result.IsAuthenticated);
        Assert.Equal("the webhook-timestamp is more than 5 minutes old", result.Reason);
    }

    [Fact]
    public void Verify_FutureTimestamp_Fails()
    {
        var sentAt = Now + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1);

        var result = Verify(Signature(sentAt), timestamp: Ts(sentAt));

        Assert.False(result.IsAuthenticated);
        Assert.Equal("the webhook-timestamp is more than 5 minutes in the future", result.Reason);
    }

    [Fact]
    public void Verify_TimestampAtTheToleranceEitherWay_Succeeds()
    {
        foreach (var sentAt in new[] { Now - TimeSpan.FromMinutes(5), Now + TimeSpan.FromMinutes(5) })
        {
            Assert.True(Verify(Signature(sentAt), timestamp: Ts(sentAt)).IsAuthenticated);
        }
    }

    [Fact]
    public void Verify_BodyChangedByOneByte_FailsBadSignature()
    {
        var tampered = (byte[])Body.Clone();
        tampered[^2] ^= 0x01;

        var result = Verify(Signature(), body: tampered);

        Assert.False(result.IsAuthenticated);
        Assert.Equal("no v1 signature in the webhook-signature header matches", result.Reason);
    }

    [Fact]
    public void Verify_SignedWithAnotherSecret_FailsBadSignature()
    {
        var result = Verify(Signature(secret: "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("another secret of the relay"))));

        Assert.False(result.IsAuthenticated);
        Assert.Equal("no v1 signature in the webhook-signature header matches", result.Reason);
    }

    [Theory]
    [InlineData("v1,dawfeoifkpqwoekfpqoekf")]
    [InlineData("v1,")]
    [InlineData("v1,g0hM9SsE")]
    public void Verify_MalformedOrPartialSignature_Fails(string signature)
    {
        var result = Verify(signature);

        Assert.False(result.IsAuthenticated);
        Assert.Equal("no v1 signature in the webhook-signature header matches", result.Reason);
    }

    [Fact]
    public void Verify_OnlyOtherVersions_FailsNamingV1()
    {
        var valid = Signature();
        var result = Verify("v2," + valid[3..] + " " + valid[3..]);

        Assert.False(result.IsAuthenticated);
        Assert.Equal("the webhook-signature header has no v1 signature", result.Reason);
    }

    [Fact]
    public void Verify_SignatureForAnotherId_Fails()
    {
        Assert.False(Verify(Signature(), id: "msg_other").IsAuthenticated);
    }

    [Fact]
    public void Verify_AnyFailure_ReasonNeverEchoesTheSecretOrSignature()
    {
        var signature = Signature();
        foreach (var result in new[] { Verify(signature, body: [1, 2, 3]), Verify(signature, id: null), Verify("v1,abc") })
        {
            Assert.DoesNotContain("q3lL3Dq6", result.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain(signature[3..], result.Reason, StringComparison.Ordinal);
        }
    }
}
