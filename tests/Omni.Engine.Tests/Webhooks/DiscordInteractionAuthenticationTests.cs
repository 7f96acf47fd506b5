using System.Text;
using NSec.Cryptography;
using Omni.Engine.Webhooks;

namespace Omni.Engine.Tests.Webhooks;

public class DiscordInteractionAuthenticationTests
{
    // RFC 8032, section 7.1, TEST 1 (empty message) and TEST 2 (one byte, 0x72).
    private const string Rfc1PublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private const string Rfc1Signature =
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
    private const string Rfc2SecretKey = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
    private const string Rfc2PublicKey = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
    private const string Rfc2Signature =
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";

    private const string Timestamp = "1767323045";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"type\":2,\"id\":\"786008729715212338\",\"token\":\"A_UNIQUE_TOKEN\",\"data\":{\"name\":\"cardsearch\"}}");

    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;

    /// <summary>A key generated for this test run, and its public half in hex as the Developer Portal shows it.</summary>
    private static (Key Key, string PublicKeyHex) NewKey()
    {
        var key = Key.Create(Ed25519);
        return (key, Convert.ToHexStringLower(key.PublicKey.Export(KeyBlobFormat.RawPublicKey)));
    }

    private static string SignHex(Key key, string timestamp, byte[] body) =>
        Convert.ToHexStringLower(Ed25519.Sign(key, [.. Encoding.UTF8.GetBytes(timestamp), .. body]));

    [Fact]
    public void VerifyEd25519_Rfc8032Test1_Succeeds()
    {
        Assert.True(DiscordInteractionAuthentication.VerifyEd25519(
            Convert.FromHexString(Rfc1PublicKey), [], Convert.FromHexString(Rfc1Signature)));
    }

    [Fact]
    public void VerifyEd25519_Rfc8032Test2_Succeeds()
    {
        Assert.True(DiscordInteractionAuthentication.VerifyEd25519(
            Convert.FromHexString(Rfc2PublicKey), [0x72], Convert.FromHexString(Rfc2Signature)));
    }

    [Fact]
    public void VerifyEd25519_Rfc8032Test2SignedAgain_GivesThePublishedSignature()
    {
        // Ed25519 is deterministic: the RFC's secret key signs the RFC's message into the RFC's signature.
        using var key = Key.Import(Ed25519, Convert.FromHexString(Rfc2SecretKey), KeyBlobFormat.RawPrivateKey);

        Assert.Equal(Rfc2Signature, Convert.ToHexStringLower(Ed25519.Sign(key, [0x72])));
        Assert.Equal(Rfc2PublicKey, Convert.ToHexStringLower(key.PublicKey.Export(KeyBlobFormat.RawPublicKey)));
    }

    [Fact]
    public void VerifyEd25519_Rfc8032VectorsCrossed_Fail()
    {
        Assert.False(DiscordInteractionAuthentication.VerifyEd25519(
            Convert.FromHexString(Rfc1PublicKey), [0x72], Convert.FromHexString(Rfc2Signature)));
        Assert.False(DiscordInteractionAuthentication.VerifyEd25519(
            Convert.FromHexString(Rfc2PublicKey), [], Convert.FromHexString(Rfc1Signature)));
        Assert.False(DiscordInteractionAuthentication.VerifyEd25519(
            Convert.FromHexString(Rfc1PublicKey), [], Convert.FromHexString(Rfc1Signature).AsSpan(0, 63)));
    }

    [Fact]
    public void Verify_RfcKeyOverDiscordsSignedText_Succeeds()
    {
        // Discord signs timestamp + body; with TEST 2's key, "r" can be split as timestamp "r" and an empty body.
        var result = DiscordInteractionAuthentication.Verify(Rfc2PublicKey, Rfc2Signature, "r", []);

        Assert.True(result.IsAuthenticated, result.Reason);
    }

    [Fact]
    public void Verify_PayloadSignedWithGeneratedKey_Succeeds()
    {
        var (key, publicKeyHex) = NewKey();
        using (key)
        {
            var result = DiscordInteractionAuthentication.Verify(publicKeyHex, SignHex(key, Timestamp, Body), Timestamp, Body);

            Assert.True(result.IsAuthenticated, result.Reason);
            Assert.Equal("discord ed25519 signature", result.Reason);
        }
    }

    [Fact]
    public void Verify_UpperCaseHex_Succeeds()
    {
        var (key, publicKeyHex) = NewKey();
        using (key)
        {
            var signature = SignHex(key, Timestamp, Body).ToUpperInvariant();

            Assert.True(DiscordInteractionAuthentication.Verify(publicKeyHex.ToUpperInvariant(), signature, Timestamp, Body).IsAuthenticated);
        }
    }

    [Fact]
    public void Verify_BodyChanged_Fails()
    {
        var (key, publicKeyHex) = NewKey();
        using (key)
        {
            var signature = SignHex(key, Timestamp, Body);
            var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body).Replace("cardsearch", "cardsearcH", StringComparison.Ordinal));

            var result = DiscordInteractionAuthentication.Verify(publicKeyHex, signature, Timestamp, tampered);

            Assert.False(result.IsAuthenticated);
            Assert.Equal("the X-Signature-Ed25519 signature does not verify", result.Reason);
        }
    }

    [Fact]
    public void Verify_TimestampChanged_Fails()
    {
        var (key, publicKeyHex) = NewKey();
        using (key)
        {
            var signature = SignHex(key, Timestamp, Body);

            Assert.False(DiscordInteractionAuthentication.Verify(publicKeyHex, signature, "1767323046", Body).IsAuthenticated);
        }
    }

    [Fact]
    public void Verify_SignedByAnotherKey_Fails()
    {
        var (key, _) = NewKey();
        var (other, otherPublicKeyHex) = NewKey();
        using (key)
        using (other)
        {
            // Discord's endpoint check sends exactly this: a well-formed signature that is not the application's.
            var result = DiscordInteractionAuthentication.Verify(otherPublicKeyHex, SignHex(key, Timestamp, Body), Timestamp, Body);

            Assert.False(result.IsAuthenticated);
        }
    }

    [Fact]
    public void Verify_FlippedSignatureBit_Fails()
    {
        var (key, publicKeyHex) = NewKey();
        using (key)
        {
            var signature = Convert.FromHexString(SignHex(key, Timestamp, Body));
            signature[10] ^= 0x04;

            Assert.False(DiscordInteractionAuthentication.Verify(publicKeyHex, Convert.ToHexStringLower(signature), Timestamp, Body).IsAuthenticated);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Verify_NoPublicKeyConfigured_FailsClosed(string? publicKeyHex)
    {
        var result = DiscordInteractionAuthentication.Verify(publicKeyHex, Rfc1Signature, Timestamp, Body);

        Assert.False(result.IsAuthenticated);
        Assert.Equal("no Discord public key is configured for this instance", result.Reason);
    }

    [Theory]
    [InlineData("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511")]
    [InlineData("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511az")]
    [InlineData("not hex at all")]
    public void Verify_MalformedPublicKey_FailsClosed(string publicKeyHex)
    {
        var result = DiscordInteractionAuthentication.Verify(publicKeyHex, Rfc1Signature, Timestamp, Body);

        Assert.False(result.IsAuthenticated);
        Assert.Contains("configured Discord public key", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100")]
    [InlineData("x5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")]
    [InlineData("this is not a signature")]
    public void Verify_MalformedSignatureHex_Fails(string signatureHex)
    {
        var result = DiscordInteractionAuthentication.Verify(Rfc1PublicKey, signatureHex, Timestamp, Body);

        Assert.False(result.IsAuthenticated);
        Assert.Equal("the X-Signature-Ed25519 header is not 128 hex characters", result.Reason);
    }

    [Fact]
    public void Verify_MissingHeaders_FailNamingThem()
    {
        Assert.Equal(
            "the X-Signature-Ed25519 header is missing",
            DiscordInteractionAuthentication.Verify(Rfc1PublicKey, null, Timestamp, Body).Reason);
        Assert.Equal(
            "the X-Signature-Timestamp header is missing",
            DiscordInteractionAuthentication.Verify(Rfc1PublicKey, Rfc1Signature, null, Body).Reason);
    }
}
