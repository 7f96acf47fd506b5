using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using NSec.Cryptography;
using Omni.Engine.Webhooks;

namespace Omni.Local.Tests.Support;

/// <summary>
/// Discord deliveries as they arrive at Omni: dispatch frames signed like the gateway relay signs them (Standard
/// Webhooks with the instance's <c>whsec_</c> secret) and interactions signed like Discord signs them (Ed25519 over
/// timestamp + body with the application's key, generated here), plus the settings of a <c>demo-discord</c> instance.
/// </summary>
public static class DiscordWire
{
    public const string Instance = "demo-discord";
    public const string BotUserId = "1300000000000000001";
    public const string ApplicationId = "1300000000000000001";
    public const string BotToken = "test-bot-token";

    public static readonly string Secret = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("discord-relay-secret-for-tests!!"));
    public static readonly string RotatedOutSecret = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("the-relay-secret-before-rotation"));

    public static readonly Key ApplicationKey = NewKey();
    public static readonly Key OtherKey = NewKey();

    public static string PublicKeyHex(Key key) => Convert.ToHexStringLower(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));

    /// <summary>The <c>demo-discord</c> instance (and, with <paramref name="apiBaseUrl"/>, its Discord API stand-in).</summary>
    public static Dictionary<string, string?> Settings(string? apiBaseUrl = null) => new()
    {
        [$"Omni:Instances:{Instance}:Provider"] = "discord",
        [$"Omni:Instances:{Instance}:WebhookSecret"] = Secret,
        [$"Omni:Instances:{Instance}:PublicKey"] = PublicKeyHex(ApplicationKey),
        [$"Omni:Instances:{Instance}:BotUserId"] = BotUserId,
        [$"Omni:Instances:{Instance}:BotToken"] = BotToken,
        [$"Omni:Instances:{Instance}:ApiBaseUrl"] = apiBaseUrl,
    };

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>A relay post: <c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c> with one v1 signature per secret.</summary>
    public static HttpRequestMessage Relay(byte[] body, string? webhookId = null, long? timestamp = null, params string[] secrets)
    {
        var id = webhookId ?? "msg_" + Guid.NewGuid().ToString("N");
        var at = timestamp ?? Now();
        var request = Post(body);
        request.Headers.Add(StandardWebhooksAuthentication.IdHeader, id);
        request.Headers.Add(StandardWebhooksAuthentication.TimestampHeader, at.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(StandardWebhooksAuthentication.SignatureHeader,
            string.Join(' ', (secrets.Length == 0 ? [Secret] : secrets).Select(s => StandardWebhooksAuthentication.Sign(s, id, at, body))));
        return request;
    }

    /// <summary>Discord's own post: <c>X-Signature-Ed25519</c> over <c>X-Signature-Timestamp</c> + body.</summary>
    public static HttpRequestMessage Interaction(byte[] body, Key? key = null, long? timestamp = null)
    {
        var at = (timestamp ?? Now()).ToString(CultureInfo.InvariantCulture);
        var signature = SignatureAlgorithm.Ed25519.Sign(key ?? ApplicationKey, [.. Encoding.UTF8.GetBytes(at), .. body]);
        var request = Post(body);
        request.Headers.Add(DiscordInteractionAuthentication.SignatureHeader, Convert.ToHexStringLower(signature));
        request.Headers.Add(DiscordInteractionAuthentication.TimestampHeader, at);
        return request;
    }

    public static HttpRequestMessage Post(byte[] body, string instance = Instance)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/discord/{instance}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return request;
    }

    /// <summary>A gateway MESSAGE_CREATE frame; a DM unless <paramref name="guildId"/> is given; sent now unless <paramref name="at"/> says when.</summary>
    public static byte[] MessageCreate(string messageId, string channelId, string authorId, string text, string? guildId = null,
        string username = "ana.souza", string? globalName = "Ana Souza", long sequence = 7, DateTimeOffset? at = null)
    {
        var author = new Dictionary<string, object?>
        {
            ["id"] = authorId, ["username"] = username, ["global_name"] = globalName, ["discriminator"] = "0", ["avatar"] = null, ["public_flags"] = 0,
        };
        var d = new Dictionary<string, object?>
        {
            ["type"] = 0, ["tts"] = false, ["timestamp"] = (at ?? DateTimeOffset.UtcNow).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture),
            ["pinned"] = false, ["mentions"] = Array.Empty<object>(), ["mention_roles"] = Array.Empty<object>(), ["mention_everyone"] = false,
            ["id"] = messageId, ["flags"] = 0, ["embeds"] = Array.Empty<object>(), ["edited_timestamp"] = null, ["content"] = text,
            ["components"] = Array.Empty<object>(), ["channel_id"] = channelId, ["author"] = author, ["attachments"] = Array.Empty<object>(),
        };
        if (guildId is null)
        {
            d["channel_type"] = 1;
        }
        else
        {
            d["guild_id"] = guildId;
        }

        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?> { ["t"] = "MESSAGE_CREATE", ["s"] = sequence, ["op"] = 0, ["d"] = d });
    }

    /// <summary>An HTTP interaction: <c>/ask question:…</c> in a guild channel, with its token.</summary>
    public static byte[] SlashCommand(string interactionId, string channelId, string userId, string token, string question) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["type"] = 2, ["id"] = interactionId, ["application_id"] = ApplicationId, ["token"] = token, ["version"] = 1,
            ["guild_id"] = "1290000000000000009", ["channel_id"] = channelId,
            ["channel"] = new { id = channelId, type = 0, name = "general", guild_id = "1290000000000000009" },
            ["member"] = new { user = new { id = userId, username = "ana.souza", global_name = "Ana Souza", discriminator = "0" }, roles = Array.Empty<string>() },
            ["data"] = new { id = "1310000000000000001", name = "ask", type = 1, options = new[] { new { type = 3, name = "question", value = question } } },
            ["app_permissions"] = "442368", ["locale"] = "en-US", ["guild_locale"] = "en-US",
        });

    public static readonly byte[] Ping = Encoding.UTF8.GetBytes(
        $$$"""{"id": "1320000000000000001", "application_id": "{{{ApplicationId}}}", "type": 1, "token": "ping-token", "version": 1, "user": {"id": "53908232506183680", "username": "Mason"}}""");

    public static readonly byte[] WebhookEventPing = Encoding.UTF8.GetBytes($$"""{"version": 1, "application_id": "{{ApplicationId}}", "type": 0}""");

    /// <summary>A snowflake of now (Discord's epoch 2015), so an interaction's token reads as fresh.</summary>
    public static string Snowflake(int increment = 0) =>
        (((ulong)(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1_420_070_400_000) << 22) + (ulong)increment).ToString(CultureInfo.InvariantCulture);

    private static Key NewKey() =>
        Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
}
