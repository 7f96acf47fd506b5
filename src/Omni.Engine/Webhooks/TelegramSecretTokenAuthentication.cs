namespace Omni.Engine.Webhooks;

/// <summary>
/// How Telegram proves a webhook delivery is for our bot: the <c>secret_token</c> given to <c>setWebhook</c> comes back
/// in every request's <c>X-Telegram-Bot-Api-Secret-Token</c> header (Telegram signs nothing). Compared in constant
/// time (both sides hashed first, so the length does not leak either); fails closed: no configured secret lets nobody
/// in. Pure; reasons never echo a secret.
/// </summary>
public static class TelegramSecretTokenAuthentication
{
    public const string Header = "X-Telegram-Bot-Api-Secret-Token";

    /// <summary>Telegram's rule for <c>secret_token</c>: 1-256 characters, only <c>A-Z</c>, <c>a-z</c>, <c>0-9</c>, <c>_</c> and <c>-</c>.</summary>
    public static bool IsValidSecretToken(string? secret) =>
        secret is { Length: >= 1 and <= 256 } && secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    /// <param name="configuredSecret">The instance's <c>WebhookSecret</c> (null or empty: reject every call).</param>
    /// <param name="presented">The <c>X-Telegram-Bot-Api-Secret-Token</c> header, if sent.</param>
    public static WebhookAuthResult Verify(string? configuredSecret, string? presented)
    {
        if (string.IsNullOrEmpty(configuredSecret))
        {
            return WebhookAuthResult.Fail("no webhook secret is configured for this instance");
        }

        if (string.IsNullOrEmpty(presented))
        {
            return WebhookAuthResult.Fail($"the {Header} header is missing");
        }

        return EvolutionWebhookAuthentication.FixedTimeEquals(presented, configuredSecret)
            ? WebhookAuthResult.Ok("telegram secret token")
            : WebhookAuthResult.Fail($"the {Header} header does not match");
    }
}
