using Omni.Engine.Webhooks;

namespace Omni.Engine.Tests.Webhooks;

public class EvolutionWebhookAuthenticationTests
{
    private const string Secret = "s3cret-for-tests";
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static string Jwt(long exp, string secret = Secret) =>
        HmacJwt.Sign($$"""{"app":"evolution","action":"webhook","iat":{{Now.ToUnixTimeSeconds() - 10}},"exp":{{exp}}}""", secret);

    [Fact]
    public void Authenticate_NoConfiguredSecret_FailsClosed()
    {
        Assert.False(EvolutionWebhookAuthentication.Authenticate(null, "anything", null, Now).IsAuthenticated);
        Assert.False(EvolutionWebhookAuthentication.Authenticate("", "", null, Now).IsAuthenticated);
        Assert.False(EvolutionWebhookAuthentication.Authenticate("", null, "Bearer " + Jwt(Now.ToUnixTimeSeconds() + 600, ""), Now).IsAuthenticated);
    }

    [Fact]
    public void Authenticate_MatchingSecretHeader_Succeeds()
    {
        Assert.True(EvolutionWebhookAuthentication.Authenticate(Secret, Secret, null, Now).IsAuthenticated);
    }

    [Theory]
    [InlineData("s3cret-for-test")]
    [InlineData("s3cret-for-tests ")]
    [InlineData("S3CRET-FOR-TESTS")]
    public void Authenticate_WrongSecretHeader_Fails(string presented)
    {
        var result = EvolutionWebhookAuthentication.Authenticate(Secret, presented, null, Now);
        Assert.False(result.IsAuthenticated);
        Assert.DoesNotContain(Secret, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Authenticate_NoCredentials_Fails()
    {
        Assert.False(EvolutionWebhookAuthentication.Authenticate(Secret, null, null, Now).IsAuthenticated);
    }

    [Fact]
    public void Authenticate_ValidBearerJwt_Succeeds()
    {
        var result = EvolutionWebhookAuthentication.Authenticate(Secret, null, "Bearer " + Jwt(Now.ToUnixTimeSeconds() + 600), Now);
        Assert.True(result.IsAuthenticated, result.Reason);
    }

    [Fact]
    public void Authenticate_ExpiredJwt_Fails()
    {
        var result = EvolutionWebhookAuthentication.Authenticate(Secret, null, "Bearer " + Jwt(Now.ToUnixTimeSeconds() - 3600), Now);
        Assert.False(result.IsAuthenticated);
        Assert.Contains("expired", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Authenticate_JwtSignedWithOtherKey_Fails()
    {
        var result = EvolutionWebhookAuthentication.Authenticate(Secret, null, "Bearer " + Jwt(Now.ToUnixTimeSeconds() + 600, "other"), Now);
        Assert.False(result.IsAuthenticated);
        Assert.Contains("signature", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Authenticate_JwtWithoutExp_Fails()
    {
        var token = HmacJwt.Sign("""{"app":"evolution"}""", Secret);
        Assert.False(EvolutionWebhookAuthentication.Authenticate(Secret, null, "Bearer " + token, Now).IsAuthenticated);
    }

    [Fact]
    public void Authenticate_AlgNoneToken_Fails()
    {
        // {"alg":"none"} . {"exp":...} . (empty signature)
        var header = Convert.ToBase64String("""{"alg":"none"}"""u8.ToArray()).TrimEnd('=');
        var payload = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($$"""{"exp":{{Now.ToUnixTimeSeconds() + 600}}}""")).TrimEnd('=');
        Assert.False(EvolutionWebhookAuthentication.Authenticate(Secret, null, $"Bearer {header}.{payload}.", Now).IsAuthenticated);
    }

    [Theory]
    [InlineData("Bearer not-a-jwt")]
    [InlineData("Bearer a.b")]
    [InlineData("Bearer !!!.???.***")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public void Authenticate_GarbageAuthorization_FailsWithoutThrowing(string authorization)
    {
        Assert.False(EvolutionWebhookAuthentication.Authenticate(Secret, null, authorization, Now).IsAuthenticated);
    }
}
