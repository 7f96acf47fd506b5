using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Services.Actions;
using Omni.Services.Actions.Http;

namespace Omni.Services.Connections.Slack;

/// <summary>
/// Posts text to a Slack conversation as the instance's bot (<c>route.reply</c> on Slack events):
/// <code>
/// POST {ApiBaseUrl or https://slack.com/api}/chat.postMessage
/// Authorization: Bearer {BotToken}
/// {"channel": "C0123", "text": "...", "thread_ts": "1767225600.000100"}
/// → 200 {"ok": true, "channel": "C0123", "ts": "1767225700.000200", "message": {...}}
/// → 200 {"ok": false, "error": "channel_not_found"}
/// </code>
/// In the thread when quoting (the quoted message's thread, or the message itself as the root) and whenever the
/// answered message is in a thread. Slack reports most failures as 200 with <c>ok: false</c>: <c>ratelimited</c>,
/// <c>internal_error</c>, <c>fatal_error</c>, <c>service_unavailable</c>, <c>request_timeout</c> are transient, the rest
/// permanent; HTTP 429 (with <c>Retry-After</c>) and 5xx are transient (<see cref="ProviderHttp"/>). Output
/// <c>message_id</c> = the new message's <c>ts</c>.
/// </summary>
public sealed class SlackSender(IHttpClientFactory clients, TimeProvider time) : IChannelSender
{
    public const string ClientName = ActionHttpClients.Prefix + "slack";

    public static readonly Uri PublicApi = new("https://slack.com/api/");


    private static readonly string[] TransientErrors = ["ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"];

    /// <summary>Slack refuses longer text (<c>msg_too_long</c>): it is sent cut (<see cref="MessageLength"/>).</summary>
    public const int MaxTextChars = 40_000;

    public string Provider => "slack";

    public async Task<SentText> SendTextAsync(OutboundText message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var what = $"{message.ActionId}: Slack chat.postMessage";
        var token = string.IsNullOrWhiteSpace(message.Settings.BotToken)
            ? throw new PermanentActionException($"{what}: Omni:Instances:{message.Instance}:BotToken is not set.")
            : message.Settings.BotToken.Trim();
        var (text, cut) = MessageLength.Fit(message.Text, MaxTextChars);
        var body = new JsonObject { ["channel"] = message.ConversationId, ["text"] = text };
        if (ThreadOf(message) is { } thread)
        {
            body["thread_ts"] = thread;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, ProviderHttp.Combine(message.Settings.ApiBaseUrl ?? PublicApi, "chat.postMessage"))
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await ProviderHttp.SendAsync(clients.CreateClient(ClientName), request, what, message.Settings.SendTimeout, time, cancellationToken);

        var answer = await ReadAsync(response, cancellationToken);
        if (answer.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True)
        {
            var ts = answer.TryGetProperty("ts", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            return new SentText(ts, cut ? "sent_cut" : "sent");
        }

        var error = answer.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : "no ok in the answer";
        var failure = $"{what}: Slack answered ok=false: {error}";
        throw TransientErrors.Contains(error)
            ? new TransientActionException(failure, ProviderHttp.RetryAfter(response, time), mayHaveTakenEffect: false, statusCode: (int)response.StatusCode)
            : new PermanentActionException(failure, (int)response.StatusCode);
    }

    /// <summary>
    /// The thread to answer in: the quoted message's (its <c>thread_ts</c>, else itself as a new thread's root), else the
    /// answered message's thread when it is in one and in this conversation.
    /// </summary>
    private static string? ThreadOf(OutboundText message)
    {
        if (message.Quote is { ProviderMessageId: { Length: > 0 } quoted } quote)
        {
            return ThreadTs(quote) ?? quoted;
        }

        return message.InReplyTo is { } e && e.ConversationId == message.ConversationId ? ThreadTs(e) : null;
    }

    private static string? ThreadTs(Omni.Engine.Events.OmniEvent e) =>
        e.ProviderMetadata is { ValueKind: JsonValueKind.Object } m && m.TryGetProperty("thread_ts", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()
            : null;

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var json = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return json.ValueKind == JsonValueKind.Object ? json : ActionInvocation.EmptyObject;
        }
        catch (JsonException)
        {
            return ActionInvocation.EmptyObject;
        }
    }
}
