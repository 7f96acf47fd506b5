namespace Omni.Relay;

/// <summary>
/// The relay's own settings, under <c>Omni:Relay</c> (environment: <c>Omni__Relay__OmniBaseUrl</c>, ...). The Discord
/// instances themselves come from <c>Omni:Instances</c> (<see cref="RelayInstanceSettings"/>). Every timing is a
/// setting so tests run the real code paths with milliseconds instead of Discord's seconds.
/// </summary>
public sealed class RelayOptions
{
    public const string Section = "Omni:Relay";

    /// <summary>Where Omni answers: frames go to <c>POST {OmniBaseUrl}/api/webhooks/discord/{instance}</c>.</summary>
    public Uri? OmniBaseUrl { get; set; }

    /// <summary>Discord's REST API base, version included (<c>GET {DiscordApiBaseUrl}/gateway/bot</c>).</summary>
    public Uri DiscordApiBaseUrl { get; set; } = new("https://discord.com/api/v10/");

    /// <summary>Gateway protocol version, sent as <c>?v=</c> on every gateway URL.</summary>
    public int GatewayVersion { get; set; } = 10;

    /// <summary>
    /// Folder for the durable state: per instance a <c>buffer/</c> of frames not yet accepted by Omni and one state file per
    /// shard (session id, last sequence, resume URL, last message id per channel). Must survive a restart of the relay
    /// (production: App Service's persisted <c>/home</c>).
    /// </summary>
    public string StateDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "omni-relay");

    /// <summary>Gateway intents; the default asks for what Omni normalizes (<see cref="Gateway.GatewayIntents.Default"/>).</summary>
    public int Intents { get; set; } = Gateway.GatewayIntents.Default;

    /// <summary>Overrides the shard count <c>GET /gateway/bot</c> recommends (0: use Discord's).</summary>
    public int ShardCount { get; set; }

    /// <summary>Most frames waiting for Omni per instance. When full the relay stops reading the gateway (see docs/relay.md).</summary>
    public int MaxBufferedFrames { get; set; } = 50_000;

    /// <summary>First delay before reconnecting; doubles per failed attempt up to <see cref="ReconnectMaxDelay"/>, jittered.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>First delay before retrying a delivery Omni refused (5xx, 429, unreachable); doubles up to the max.</summary>
    public TimeSpan DeliveryMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan DeliveryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait for Omni to answer one delivery.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Discord allows one IDENTIFY per rate-limit bucket (<c>shard_id % max_concurrency</c>) every 5 seconds.</summary>
    public TimeSpan IdentifyInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>After INVALID_SESSION Discord asks for a random wait of 1 to 5 seconds before identifying again.</summary>
    public TimeSpan InvalidSessionMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan InvalidSessionMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Overrides HELLO's <c>heartbeat_interval</c> (tests only; zero: use Discord's).</summary>
    public TimeSpan HeartbeatIntervalOverride { get; set; }

    /// <summary>Most messages fetched per channel when backfilling after a lost session; the rest of the gap is reported.</summary>
    public int BackfillMaxMessagesPerChannel { get; set; } = 500;

    /// <summary>Most channels remembered per shard for backfill (the least recently active are forgotten first).</summary>
    public int BackfillMaxChannels { get; set; } = 1_000;

    /// <summary>Largest gateway message accepted (a GUILD_CREATE of a big guild is large; this only stops a runaway).</summary>
    public int MaxFrameBytes { get; set; } = 64 * 1024 * 1024;
}

/// <summary>
/// What the relay reads of one <c>Omni:Instances:&lt;name&gt;</c> entry: the same section Omni reads, so one setting
/// names the instance for both. Only instances with <c>Provider = discord</c> and a <see cref="BotToken"/> are relayed.
/// </summary>
public sealed class RelayInstanceSettings
{
    public string? Provider { get; set; }

    /// <summary>The bot's token (<c>Authorization: Bot …</c>); in production a Key Vault reference.</summary>
    public string? BotToken { get; set; }

    /// <summary>The Standard Webhooks secret <c>whsec_&lt;base64&gt;</c> Omni verifies the relay's deliveries with.</summary>
    public string? WebhookSecret { get; set; }

    public bool IsRelayed =>
        string.Equals(Provider, "discord", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(BotToken);
}

/// <summary>The <c>Omni:Instances</c> section as the relay binds it (bound from the <c>Omni</c> section).</summary>
public sealed class RelayInstancesOptions
{
    public Dictionary<string, RelayInstanceSettings> Instances { get; set; } = new(StringComparer.Ordinal);
}
