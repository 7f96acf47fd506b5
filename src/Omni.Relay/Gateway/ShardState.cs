using System.Text.Json;
using System.Text.Json.Serialization;

namespace Omni.Relay.Gateway;

/// <summary>
/// What one shard must remember across a reconnect and a restart of the relay: the session to RESUME (id, last
/// sequence buffered, <c>resume_gateway_url</c>) and, for backfill after a lost session, the last message id seen per
/// channel. Saved as JSON by <see cref="ShardStateStore"/> after every frame the shard buffers.
/// </summary>
public sealed class ShardState
{
    [JsonPropertyName("session_id")]
    public string? SessionId { get; set; }

    [JsonPropertyName("sequence")]
    public long? Sequence { get; set; }

    [JsonPropertyName("resume_gateway_url")]
    public string? ResumeGatewayUrl { get; set; }

    /// <summary>Channel id → the newest message id seen there (and the guild, which REST messages do not carry).</summary>
    [JsonPropertyName("channels")]
    public Dictionary<string, ChannelMark> Channels { get; set; } = new(StringComparer.Ordinal);

    [JsonIgnore]
    public bool CanResume => SessionId is not null && Sequence is not null && ResumeGatewayUrl is not null;

    /// <summary>Forgets the session (after INVALID_SESSION or a close code that needs a new one); keeps the channel marks.</summary>
    public void ForgetSession()
    {
        SessionId = null;
        Sequence = null;
        ResumeGatewayUrl = null;
    }

    /// <summary>Raises a channel's mark to <paramref name="messageId"/> when it is newer (snowflakes compare as numbers).</summary>
    public void See(string channelId, string messageId, string? guildId, int maxChannels)
    {
        if (Channels.TryGetValue(channelId, out var mark))
        {
            if (Snowflake.Compare(messageId, mark.LastMessageId) > 0)
            {
                Channels[channelId] = new ChannelMark(messageId, guildId ?? mark.GuildId);
            }

            return;
        }

        Channels[channelId] = new ChannelMark(messageId, guildId);
        if (Channels.Count > maxChannels)
        {
            // Snowflakes grow with time: the channel whose newest message is the oldest is the least recently active.
            var stalest = Channels.MinBy(c => Snowflake.Parse(c.Value.LastMessageId));
            Channels.Remove(stalest.Key);
        }
    }

    public ShardState Clone() => new()
    {
        SessionId = SessionId,
        Sequence = Sequence,
        ResumeGatewayUrl = ResumeGatewayUrl,
        Channels = new Dictionary<string, ChannelMark>(Channels, StringComparer.Ordinal),
    };
}

public sealed record ChannelMark(
    [property: JsonPropertyName("last_message_id")] string LastMessageId,
    [property: JsonPropertyName("guild_id")] string? GuildId);

/// <summary>Discord ids are snowflakes: 64-bit integers sent as strings, compared numerically (never as text).</summary>
public static class Snowflake
{
    public static ulong Parse(string? value) => ulong.TryParse(value, out var id) ? id : 0;

    public static int Compare(string? a, string? b) => Parse(a).CompareTo(Parse(b));
}

/// <summary>
/// Reads and writes one shard's <see cref="ShardState"/> as <c>{StateDirectory}/{instance}/shard-{id}-of-{count}.json</c>.
/// Writes go to a temporary file that replaces the old one, so a crash leaves either the old state or the new one.
/// </summary>
public sealed class ShardStateStore
{
    private readonly string _path;

    public ShardStateStore(string instanceDirectory, int shardId, int shardCount)
    {
        Directory.CreateDirectory(instanceDirectory);
        _path = Path.Combine(instanceDirectory, $"shard-{shardId}-of-{shardCount}.json");
    }

    public ShardState Load()
    {
        if (!File.Exists(_path))
        {
            return new ShardState();
        }

        try
        {
            return JsonSerializer.Deserialize<ShardState>(File.ReadAllBytes(_path)) ?? new ShardState();
        }
        catch (JsonException)
        {
            // A state we cannot read means identify afresh (and backfill nothing): the session is only an optimisation.
            return new ShardState();
        }
    }

    public void Save(ShardState state)
    {
        var temporary = _path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(state));
        File.Move(temporary, _path, overwrite: true);
    }
}
