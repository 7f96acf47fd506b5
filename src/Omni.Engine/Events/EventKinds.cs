namespace Omni.Engine.Events;

/// <summary>Canonical <c>event_kind</c> values.</summary>
public static class EventKinds
{
    public const string Message = "message";
    public const string MessageEdit = "message_edit";
    public const string MessageDelete = "message_delete";
    public const string Reaction = "reaction";
    public const string PollVote = "poll_vote";
    public const string Receipt = "receipt";
    public const string Presence = "presence";
    public const string Connection = "connection";
    public const string Contact = "contact";
    public const string Group = "group";
    public const string Call = "call";
    public const string Unknown = "unknown";

    public static readonly IReadOnlyList<string> All =
    [
        Message, MessageEdit, MessageDelete, Reaction, PollVote, Receipt,
        Presence, Connection, Contact, Group, Call, Unknown,
    ];
}

/// <summary>Canonical <c>content_type</c> values.</summary>
public static class ContentTypes
{
    public const string Text = "text";
    public const string Image = "image";
    public const string Audio = "audio";
    public const string Video = "video";
    public const string Document = "document";
    public const string Sticker = "sticker";
    public const string Location = "location";
    public const string Contact = "contact";
    public const string Poll = "poll";
    public const string Reaction = "reaction";

    /// <summary>
    /// An invoked bot command (Discord interactions: a slash or context-menu command, a button or select menu, a modal):
    /// the text is what was invoked, e.g. <c>/cardsearch cardname:The Gitrog Monster</c>.
    /// </summary>
    public const string Command = "command";

    public const string Unknown = "unknown";

    public static readonly IReadOnlyList<string> All =
    [
        Text, Image, Audio, Video, Document, Sticker, Location, Contact, Poll, Reaction, Command, Unknown,
    ];
}

/// <summary>Canonical <c>channel</c> values.</summary>
public static class Channels
{
    public const string WhatsApp = "whatsapp";
    public const string Discord = "discord";
    public const string Telegram = "telegram";
    public const string Slack = "slack";
    public const string Webhook = "webhook";
}
