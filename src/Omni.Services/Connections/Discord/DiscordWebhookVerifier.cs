using System.Globalization;
using Microsoft.AspNetCore.Http;
using Omni.Engine.Webhooks;
using Omni.Services.Configuration;

namespace Omni.Services.Connections.Discord;

/// <summary>
/// Guards <c>POST /api/webhooks/discord/{instance}</c>, one route with two kinds of sender, told apart by their headers:
/// <list type="bullet">
/// <item>Omni's gateway relay: Standard Webhooks (<c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c>),
/// HMAC-SHA256 with the instance's <c>whsec_</c> <see cref="InstanceOptions.WebhookSecret"/>, several signatures for
/// rotation;</item>
/// <item>Discord itself (interactions, Webhook Events): <c>X-Signature-Ed25519</c> over <c>X-Signature-Timestamp</c> +
/// the raw body, against the application's <see cref="InstanceOptions.PublicKey"/>.</item>
/// </list>
/// Both refuse a timestamp more than <see cref="StandardWebhooksAuthentication.Tolerance"/> from now, and both fail closed:
/// neither header set, or the secret / key the headers call for not configured, is a 401 before the body is read.
/// Which deliveries are answered at once is <see cref="DiscordHandshakes"/>.
/// </summary>
public sealed class DiscordWebhookVerifier : IWebhookVerifier
{
    public const string ProviderName = "discord";

    public string Provider => ProviderName;

    public WebhookAuthResult CheckHeaders(InstanceOptions instance, IHeaderDictionary headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(headers);
        if (IsRelay(headers))
        {
            if (string.IsNullOrWhiteSpace(instance.WebhookSecret))
            {
                return WebhookAuthResult.Fail("no webhook secret is configured for this instance");
            }

            return Missing(headers, StandardWebhooksAuthentication.IdHeader) ??
                   Missing(headers, StandardWebhooksAuthentication.TimestampHeader) ??
                   Fresh(headers[StandardWebhooksAuthentication.TimestampHeader], StandardWebhooksAuthentication.TimestampHeader, now);
        }

        if (IsDiscord(headers))
        {
            if (string.IsNullOrWhiteSpace(instance.PublicKey))
            {
                return WebhookAuthResult.Fail("no Discord public key is configured for this instance");
            }

            return Missing(headers, DiscordInteractionAuthentication.TimestampHeader) ??
                   Fresh(headers[DiscordInteractionAuthentication.TimestampHeader], DiscordInteractionAuthentication.TimestampHeader, now);
        }

        return WebhookAuthResult.Fail(
            $"neither a Standard Webhooks signature ({StandardWebhooksAuthentication.SignatureHeader}, from the relay) nor a Discord " +
            $"signature ({DiscordInteractionAuthentication.SignatureHeader}) is present");
    }

    public WebhookAuthResult CheckBody(InstanceOptions instance, IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(headers);
        return IsRelay(headers)
            ? StandardWebhooksAuthentication.Verify(
                instance.WebhookSecret,
                headers[StandardWebhooksAuthentication.IdHeader],
                headers[StandardWebhooksAuthentication.TimestampHeader],
                headers[StandardWebhooksAuthentication.SignatureHeader],
                body,
                now)
            : DiscordInteractionAuthentication.Verify(
                instance.PublicKey,
                headers[DiscordInteractionAuthentication.SignatureHeader],
                headers[DiscordInteractionAuthentication.TimestampHeader],
                body);
    }

    public WebhookHandshake? Handshake(InstanceOptions instance, ReadOnlySpan<byte> body) => DiscordHandshakes.Answer(body);

    private static bool IsRelay(IHeaderDictionary headers) =>
        !string.IsNullOrWhiteSpace(headers[StandardWebhooksAuthentication.SignatureHeader]);

    private static bool IsDiscord(IHeaderDictionary headers) =>
        !string.IsNullOrWhiteSpace(headers[DiscordInteractionAuthentication.SignatureHeader]);

    private static WebhookAuthResult? Missing(IHeaderDictionary headers, string name) =>
        string.IsNullOrWhiteSpace(headers[name]) ? WebhookAuthResult.Fail($"the {name} header is missing") : null;

    /// <summary>A Unix-seconds timestamp header within the tolerance of <paramref name="now"/>, either way.</summary>
    internal static WebhookAuthResult Fresh(string? value, string name, DateTimeOffset now)
    {
        var tolerance = StandardWebhooksAuthentication.Tolerance;
        if (!long.TryParse(value?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ||
            seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return WebhookAuthResult.Fail($"the {name} header is not a Unix time in seconds");
        }

        var sentAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (sentAt < now - tolerance)
        {
            return WebhookAuthResult.Fail($"the {name} is more than {tolerance.TotalMinutes:0} minutes old");
        }

        return sentAt > now + tolerance
            ? WebhookAuthResult.Fail($"the {name} is more than {tolerance.TotalMinutes:0} minutes in the future")
            : WebhookAuthResult.Ok("fresh timestamp");
    }
}
