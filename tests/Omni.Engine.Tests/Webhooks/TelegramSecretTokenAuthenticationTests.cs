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
}
