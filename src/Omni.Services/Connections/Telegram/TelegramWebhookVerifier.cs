using Microsoft.AspNetCore.Http;
using Omni.Engine.Webhooks;
using Omni.Services.Configuration;

namespace Omni.Services.Connections.Telegram;

/// <summary>
/// Telegram sends the instance's <c>secret_token</c> in <c>X-Telegram-Bot-Api-Secret-Token</c> (the <c>WebhookSecret</c>
/// setting, given to setWebhook): checked from the headers alone, so nothing is read before a refusal.
/// </summary>
public sealed class TelegramWebhookVerifier : IWebhookVerifier
{
    public string Provider => "telegram";

    public WebhookAuthResult CheckHeaders(InstanceOptions instance, IHeaderDictionary headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(headers);
        return TelegramSecretTokenAuthentication.Verify(instance.WebhookSecret, headers[TelegramSecretTokenAuthentication.Header]);
    }

    public WebhookAuthResult CheckBody(InstanceOptions instance, IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now) =>
        WebhookAuthResult.Ok("checked from the headers");
}
