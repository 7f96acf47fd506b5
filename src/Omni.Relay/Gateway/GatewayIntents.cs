namespace Omni.Relay.Gateway;

/// <summary>Discord gateway intent bits (docs/events/Gateway.md, "List of Intents") the relay asks for.</summary>
public static class GatewayIntents
{
    public const int Guilds = 1 << 0;
    public const int GuildMessages = 1 << 9;
    public const int GuildMessageReactions = 1 << 10;
    public const int GuildMessageTyping = 1 << 11;
    public const int DirectMessages = 1 << 12;
    public const int DirectMessageReactions = 1 << 13;
    public const int DirectMessageTyping = 1 << 14;

    /// <summary>Privileged: enable it for the bot in the Developer Portal, or guild messages arrive without content.</summary>
    public const int MessageContent = 1 << 15;

    /// <summary>Guilds, guild and direct messages, message content, guild and DM reactions and typing: 65025.</summary>
    public const int Default = Guilds | GuildMessages | GuildMessageReactions | GuildMessageTyping
        | DirectMessages | DirectMessageReactions | DirectMessageTyping | MessageContent;
}

/// <summary>Gateway opcodes (docs/topics/Opcodes_and_Status_Codes.md).</summary>
public static class GatewayOpcodes
{
    public const int Dispatch = 0;
    public const int Heartbeat = 1;
    public const int Identify = 2;
    public const int Resume = 6;
    public const int Reconnect = 7;
    public const int InvalidSession = 9;
    public const int Hello = 10;
    public const int HeartbeatAck = 11;
}

/// <summary>
/// What a gateway close code means for the next connection (docs/topics/Opcodes_and_Status_Codes.md, "Gateway Close
/// Event Codes"): most may resume; 4007 (invalid seq) and 4009 (session timed out) need a new session; authentication,
/// sharding, version and intent errors will fail the same way again, so the shard stops and reports it.
/// </summary>
public static class GatewayCloseCodes
{
    public static CloseVerdict Classify(int? code) => code switch
    {
        4004 or 4010 or 4011 or 4012 or 4013 or 4014 => CloseVerdict.Fatal,
        4007 or 4009 => CloseVerdict.NewSession,
        _ => CloseVerdict.Resume,
    };

    /// <summary>
    /// The code the relay closes with when it means to resume: 1000 and 1001 would end the session on Discord's side.
    /// </summary>
    public const int ResumableClose = 4000;
}

public enum CloseVerdict
{
    Resume,
    NewSession,
    Fatal,
}
