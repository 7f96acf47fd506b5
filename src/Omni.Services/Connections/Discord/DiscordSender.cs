using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Services.Actions;
using Omni.Services.Ingest;

namespace Omni.Services.Connections.Discord;

/// <summary>
/// Sends text into a Discord conversation (<c>route.reply</c> on Discord events), as Discord's HTTP API documents it:
/// <list type="bullet">
/// <item>an answer to an interaction (a slash command, a button, a modal) edits the deferred response Omni gave at
/// ingest (<see cref="DiscordHandshakes"/>): <c>PATCH /webhooks/{application_id}/{token}/messages/@original</c>
/// <c>{"content"}</c>; no bot token needed, the interaction's token is the credential (<see cref="DiscordInteractionToken"/>).
/// Past the token's 15 minutes it falls back to a channel message;</item>
/// <item>anything else: <c>POST /channels/{channel_id}/messages</c> with <c>Authorization: Bot {BotToken}</c> and
/// <c>{"content", "message_reference": {"message_id", "channel_id", "fail_if_not_exists": false}}</c> when quoting.</item>
/// </list>
/// Both answer the message object; its <c>id</c> is the output. <c>allowed_mentions</c> is <c>{"parse": []}</c>: text
/// an agent wrote never pings <c>@everyone</c>, a role or a user. Content is cut to Discord's 2,000 characters.
/// </summary>
public sealed class DiscordSender(DiscordRest rest, RawArchive archive, TimeProvider time) : IChannelSender
{

    /// <summary>Discord refuses longer message content (error 50035).</summary>
    public const int MaxContentChars = 2000;

    /// <summary>An interaction token's life, less a margin for the request itself.</summary>
    public static readonly TimeSpan InteractionTokenLifetime = TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(30);

    public string Provider => DiscordWebhookVerifier.ProviderName;

    public async Task<SentText> SendTextAsync(OutboundText message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (content, cut) = Content(message.Text);
        var settings = message.Settings;
        if (message.InReplyTo is { } e && DiscordInteractionToken.IsInteraction(e) &&
            time.GetUtcNow() - (e.OccurredAt ?? e.ReceivedAt) < InteractionTokenLifetime)
        {
            var (applicationId, token) = await DiscordInteractionToken.ReadAsync(archive, e, message.ActionId, cancellationToken);
            var webhook = $"webhooks/{Uri.EscapeDataString(applicationId)}/{Uri.EscapeDataString(token)}";
            var edited = await rest.SendAsync(new DiscordCall(HttpMethod.Patch, settings.ApiBaseUrl, webhook + "/messages/@original",
                "webhooks/" + applicationId + "/" + e.ProviderEventId, Body(content, reference: null), BotToken: null,
                $"{message.ActionId}: Discord edit original interaction response", settings.SendTimeout), cancellationToken);
            return new SentText(IdOf(edited), cut ? "interaction_response_cut" : "interaction_response");
        }

        var botToken = settings.BotToken ??
            throw new PermanentActionException($"{message.ActionId}: Omni:Instances:{message.Instance}:BotToken is not set.");
        var channel = message.ConversationId;
        JsonObject? reference = message.Quote is { ProviderMessageId: { Length: > 0 } quoted }
            ? new JsonObject { ["message_id"] = quoted, ["channel_id"] = channel, ["fail_if_not_exists"] = false }
            : null;
        var sent = await rest.SendAsync(new DiscordCall(HttpMethod.Post, settings.ApiBaseUrl, $"channels/{Uri.EscapeDataString(channel)}/messages",
            "POST channels/" + channel + "/messages", Body(content, reference), botToken,
            $"{message.ActionId}: Discord create message", settings.SendTimeout), cancellationToken);
        return new SentText(IdOf(sent), cut ? "sent_cut" : "sent");
    }

    /// <summary>The text as Discord takes it: at most <see cref="MaxContentChars"/> (<see cref="MessageLength"/>). Pure.</summary>
    public static (string Content, bool Cut) Content(string text) => MessageLength.Fit(text, MaxContentChars);

    private static JsonObject Body(string content, JsonObject? reference)
    {
        var body = new JsonObject
        {
            ["content"] = content,
            ["allowed_mentions"] = new JsonObject { ["parse"] = new JsonArray() },
        };
        if (reference is not null)
        {
            body["message_reference"] = reference;
        }

        return body;
    }

    private static string? IdOf(JsonElement message) =>
        message.ValueKind == JsonValueKind.Object && message.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;
}
