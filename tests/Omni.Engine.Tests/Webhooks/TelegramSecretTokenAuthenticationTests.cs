using Omni.Engine.Webhooks;

namespace Omni.Engine.Tests.Webhooks;

public class TelegramSecretTokenAuthenticationTests
{
    private const string Secret = "tg_secret-123";

    [Fact]
    public void Verify_MatchingHeader_Authenticated() =>
        Assert.True(TelegramSecretTokenAuthentication.Verify(Secret, Secret).IsAuthenticated);

    [Theory]
    [InlineData("tg_secret-124", "does not match")]
    [InlineData("tg_secret-123 ", "does not match")]
    [InlineData("TG_SECRET-123", "does not match")]
    [InlineData("", "header is missing")]
    [InlineData(null, "header is missing")]
    public void Verify_WrongOrMissingHeader_Refused(string? presented, string reason)
    {
        var result = TelegramSecretTokenAuthentication.Verify(Secret, presented);

        Assert.False(result.IsAuthenticated);
        Assert.Contains(reason, result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Verify_NoConfiguredSecret_FailsClosed(string? configured)
    {
        Assert.False(TelegramSecretTokenAuthentication.Verify(configured, "").IsAuthenticated);
        Assert.False(TelegramSecretTokenAuthentication.Verify(configured, "anything").IsAuthenticated);
    }

    [Theory]
    [InlineData("abc_DEF-123", true)]
    [InlineData("has space", false)]
    [InlineData("dots.not.allowed", false)]
    [InlineData("", false)]
    public void IsValidSecretToken_TelegramsAlphabet(string secret, bool valid) =>
        Assert.Equal(valid, TelegramSecretTokenAuthentication.IsValidSecretToken(secret));

    [Fact]
    public void IsValidSecretToken_AtMost256() =>
        Assert.False(TelegramSecretTokenAuthentication.IsValidSecretToken(new string('a', 257)));

    [Fact]
    public void Verify_MatchingHeader_OkReasonNamesTheScheme()
    {
        var result = TelegramSecretTokenAuthentication.Verify(Secret, Secret);

        Assert.Equal((true, "telegram secret token"), (result.IsAuthenticated, result.Reason));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Verify_NoConfiguredSecret_ReasonSaysNoneIsConfigured(string? configured)
    {
        var result = TelegramSecretTokenAuthentication.Verify(configured, Secret);

        Assert.Equal((false, "no webhook secret is configured for this instance"), (result.IsAuthenticated, result.Reason));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(255, true)]
    [InlineData(256, true)]
    [InlineData(0, false)]
    [InlineData(257, false)]
    public void IsValidSecretToken_LengthFrom1To256Inclusive(int length, bool valid) =>
        Assert.Equal(valid, TelegramSecretTokenAuthentication.IsValidSecretToken(new string('a', length)));
}
