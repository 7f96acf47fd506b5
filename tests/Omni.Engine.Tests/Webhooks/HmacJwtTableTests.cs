using System.Security.Cryptography;
using System.Text;
using Omni.Engine.Webhooks;

namespace Omni.Engine.Tests.Webhooks;

/// <summary>
/// Evolution's <c>jwt_key</c> tokens, one row per way a token can be wrong, each asserting the exact reason: tokens are
/// built here byte by byte (header, payload and an HS256 signature that is valid unless the row says otherwise), so a
/// row fails only for the reason it names. Expiry and not-before are pinned one second either side of the 60 s leeway.
/// Regression: a claim or <c>alg</c> of another JSON type threw (InvalidOperationException, a 500 for input) instead of
/// refusing the token.
/// </summary>
public sealed class HmacJwtTableTests
{
    private const string Secret = "jwt-table-secret";
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly long T = Now.ToUnixTimeSeconds();

    private static string B64(string text) => B64(Encoding.UTF8.GetBytes(text));

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A token with this header and payload, signed HS256 with <paramref name="secret"/> whatever the header says.</summary>
    private static string Token(string header, string payload, string secret = Secret)
    {
        var signingInput = B64(header) + "." + B64(payload);
        return signingInput + "." + B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(signingInput)));
    }

    private const string Hs256 = """{"alg":"HS256","typ":"JWT"}""";

    public static TheoryData<string, string, string?> Rows => new()
    {
        // name, token, expected failure reason (null: accepted)
        { "valid", Token(Hs256, $$"""{"exp":{{T + 300}}}"""), null },
        { "alg HS512 with an HS256 signature", Token("""{"alg":"HS512","typ":"JWT"}""", $$"""{"exp":{{T + 300}}}"""), "the bearer token must be signed with HS256" },
        { "alg none", Token("""{"alg":"none"}""", $$"""{"exp":{{T + 300}}}"""), "the bearer token must be signed with HS256" },
        { "alg lower-case hs256", Token("""{"alg":"hs256"}""", $$"""{"exp":{{T + 300}}}"""), "the bearer token must be signed with HS256" },
        { "alg a number", Token("""{"alg":256}""", $$"""{"exp":{{T + 300}}}"""), "the bearer token must be signed with HS256" },
        { "header an array", Token("""["HS256"]""", $$"""{"exp":{{T + 300}}}"""), "the bearer token must be signed with HS256" },
        { "no alg", Token("""{"typ":"JWT"}""", $$"""{"exp":{{T + 300}}}"""), "the bearer token must be signed with HS256" },
        { "header not JSON", Token("not json", $$"""{"exp":{{T + 300}}}"""), "the bearer token's header or payload is not JSON" },
        { "payload not JSON", Token(Hs256, "exp=1"), "the bearer token's header or payload is not JSON" },
        { "payload an array", Token(Hs256, "[1]"), "the bearer token has no exp claim" },
        { "no exp", Token(Hs256, """{"iat":1}"""), "the bearer token has no exp claim" },
        { "exp out of range", Token(Hs256, """{"exp":1e40}"""), "the bearer token has no exp claim" },
        { "nbf a string (ignored, as absent)", Token(Hs256, $$"""{"exp":{{T + 300}},"nbf":"later"}"""), null },
        { "exp a string", Token(Hs256, $$"""{"exp":"{{T + 300}}"}"""), "the bearer token has no exp claim" },
        { "expired exactly the leeway ago", Token(Hs256, $$"""{"exp":{{T - 60}}}"""), null },
        { "expired a second past the leeway", Token(Hs256, $$"""{"exp":{{T - 61}}}"""), "the bearer token has expired" },
        { "exp just ahead", Token(Hs256, $$"""{"exp":{{T + 1}}}"""), null },
        { "nbf exactly the leeway ahead", Token(Hs256, $$"""{"exp":{{T + 300}},"nbf":{{T + 60}}}"""), null },
        { "nbf a second past the leeway", Token(Hs256, $$"""{"exp":{{T + 300}},"nbf":{{T + 61}}}"""), "the bearer token is not valid yet" },
        { "wrong secret", Token(Hs256, $$"""{"exp":{{T + 300}}}""", "another-secret"), "the bearer token's signature does not match" },
        { "signature of another payload", Token(Hs256, $$"""{"exp":{{T + 300}}}""")[..^4] + "AAAA", "the bearer token's signature does not match" },
        { "two parts", B64(Hs256) + "." + B64("{}"), "the bearer token is not a JWT" },
        { "four parts", Token(Hs256, "{}") + ".x", "the bearer token is not a JWT" },
        { "not base64url", "a!b.c.d", "the bearer token is not valid base64url" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Verify_TokenTable_AcceptsOrNamesTheReason(string name, string token, string? reason)
    {
        var result = HmacJwt.Verify(token, Secret, Now);

        Assert.True(reason is null == result.IsAuthenticated, $"{name}: {result.Reason}");
        Assert.Equal(reason ?? "bearer jwt", result.Reason);
    }

    [Fact]
    public void Authenticate_LowerCaseBearerScheme_Accepted()
    {
        var token = Token(Hs256, $$"""{"exp":{{T + 300}}}""");
        Assert.Equal(WebhookAuthResult.Ok("bearer jwt"), EvolutionWebhookAuthentication.Authenticate(Secret, null, "bearer " + token, Now));
    }

    [Fact]
    public void Authenticate_WrongSecretHeaderBesideAValidToken_Refused()
    {
        // The header, when sent, decides: a valid token never rescues a wrong secret.
        var token = Token(Hs256, $$"""{"exp":{{T + 300}}}""");
        Assert.Equal(WebhookAuthResult.Fail("the x-webhook-secret header does not match"),
            EvolutionWebhookAuthentication.Authenticate(Secret, "wrong", "Bearer " + token, Now));
    }

    [Fact]
    public void Authenticate_AnotherScheme_Refused() =>
        Assert.Equal(WebhookAuthResult.Fail("send the x-webhook-secret header or an Authorization: Bearer JWT"),
            EvolutionWebhookAuthentication.Authenticate(Secret, null, "Basic " + B64("a:b"), Now));
}
