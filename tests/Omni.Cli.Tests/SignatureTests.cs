using System.Text;
using Omni.Cli.Signing;
using Omni.Engine.Webhooks;

namespace Omni.Cli.Tests;

/// <summary>
/// <c>omni send</c>'s signatures, checked against the engine's verifiers where Omni has them and against the
/// providers' documented test vectors.
/// </summary>
public sealed class SignatureTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"type\":\"MESSAGE_CREATE\",\"id\":\"1\"}");

    [Fact]
    public void StandardWebhooks_Headers_PassTheEngineVerifier()
    {
        const string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        var headers = WebhookSigner.Headers("discord", secret, Body, Now, "msg_1").ToDictionary(h => h.Key, h => h.Value);

        var result = StandardWebhooksAuthentication.Verify(secret, headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], Body, Now);

        Assert.True(result.IsAuthenticated, result.Reason);
        Assert.Equal(StandardWebhooksAuthentication.Sign(secret, "msg_1", Now.ToUnixTimeSeconds(), Body), headers["webhook-signature"]);
    }

    [Fact]
    public void StandardWebhooks_Signature_MatchesTheSpecificationsVector()
    {
        // standard-webhooks' reference libraries test this message.
        var signature = WebhookSigner.StandardWebhooksSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330, Encoding.UTF8.GetBytes("{\"test\": 2432232314}"));

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void Evolution_Header_PassesTheEngineVerifier()
    {
        var headers = WebhookSigner.Headers("evolution", "s3cret", Body, Now, "unused");

        var result = EvolutionWebhookAuthentication.Authenticate("s3cret", headers.Single(h => h.Key == "x-webhook-secret").Value, null, Now);

        Assert.True(result.IsAuthenticated, result.Reason);
    }

    [Fact]
    public void Slack_Signature_MatchesSlacksDocumentedExample()
    {
        // api.slack.com/authentication/verifying-requests-from-slack: the worked example's secret, timestamp, body and signature.
        const string body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

        var signature = WebhookSigner.SlackSignature("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, Encoding.UTF8.GetBytes(body));

        Assert.Equal("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", signature);
    }

    [Fact]
    public void Slack_Headers_CarryTheTimestampTheySign()
    {
        var headers = WebhookSigner.Headers("slack", "secret", Body, Now, "unused").ToDictionary(h => h.Key, h => h.Value);

        Assert.Equal(Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), headers["X-Slack-Request-Timestamp"]);
        Assert.Equal(WebhookSigner.SlackSignature("secret", Now.ToUnixTimeSeconds(), Body), headers["X-Slack-Signature"]);
    }

    [Fact]
    public void Telegram_Header_IsTheSecretToken()
    {
        var headers = WebhookSigner.Headers("telegram", "tg-secret", Body, Now, "unused");

        Assert.Equal(new KeyValuePair<string, string>("X-Telegram-Bot-Api-Secret-Token", "tg-secret"), Assert.Single(headers));
    }
}
