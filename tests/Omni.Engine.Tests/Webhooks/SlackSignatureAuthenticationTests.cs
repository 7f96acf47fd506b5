using System.Text;
using Omni.Engine.Webhooks;

namespace Omni.Engine.Tests.Webhooks;

public class SlackSignatureAuthenticationTests
{
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1531420618);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");

    [Fact]
    public void Verify_SlacksDocumentedExample_Authenticated()
    {
        // api.slack.com/authentication/verifying-requests-from-slack: this secret, timestamp and body sign to this value.
        const string documented = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

        Assert.Equal(documented, SlackSignatureAuthentication.Sign(Secret, 1531420618, Body));
        Assert.True(SlackSignatureAuthentication.Verify(Secret, documented, "1531420618", Body, Now).IsAuthenticated);
    }

    [Theory]
    [InlineData("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b504", "does not verify")]
    [InlineData("v0=zz", "does not verify")]
    [InlineData("v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", "not a v0 signature")]
    [InlineData("", "header is missing")]
    public void Verify_BadSignature_Refused(string signature, string reason)
    {
        var result = SlackSignatureAuthentication.Verify(Secret, signature, "1531420618", Body, Now);

        Assert.False(result.IsAuthenticated);
        Assert.Contains(reason, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_TamperedBodyOrWrongSecret_Refused()
    {
        var signature = SlackSignatureAuthentication.Sign(Secret, 1531420618, Body);

        Assert.False(SlackSignatureAuthentication.Verify(Secret, signature, "1531420618", [.. Body, (byte)' '], Now).IsAuthenticated);
        Assert.False(SlackSignatureAuthentication.Verify("another-secret", signature, "1531420618", Body, Now).IsAuthenticated);
    }

    [Theory]
    [InlineData(-301, "minutes old")]
    [InlineData(301, "in the future")]
    public void CheckHeaders_TimestampBeyondFiveMinutes_Refused(int offsetSeconds, string reason)
    {
        var timestamp = (1531420618 + offsetSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = SlackSignatureAuthentication.Sign(Secret, 1531420618 + offsetSeconds, Body);

        var result = SlackSignatureAuthentication.Verify(Secret, signature, timestamp, Body, Now);

        Assert.False(result.IsAuthenticated);
        Assert.Contains(reason, result.Reason, StringComparison.Ordinal);
        Assert.True(SlackSignatureAuthentication.CheckHeaders(Secret, signature, "1531420618", Now.AddSeconds(299)).IsAuthenticated);
    }

    [Theory]
    [InlineData(null, "v0=ab", "1531420618", "no signing secret")]
    [InlineData("", "v0=ab", "1531420618", "no signing secret")]
    [InlineData(Secret, "v0=ab", null, "X-Slack-Request-Timestamp header is missing")]
    [InlineData(Secret, null, "1531420618", "X-Slack-Signature header is missing")]
    [InlineData(Secret, "v0=ab", "yesterday", "not a Unix time")]
    public void CheckHeaders_FailsClosed(string? secret, string? signature, string? timestamp, string reason)
    {
        var result = SlackSignatureAuthentication.CheckHeaders(secret, signature, timestamp, Now);

        Assert.False(result.IsAuthenticated);
        Assert.Contains(reason, result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, result.Reason, StringComparison.Ordinal);
    }
}
