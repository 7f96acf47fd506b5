using Omni.Engine.Events;
using Omni.Services.Configuration;

namespace Omni.Services.Connections;

/// <summary>
/// Sends text into a conversation of one provider (Evolution's sendText, Discord's create message, Telegram's
/// sendMessage, ...). <c>route.reply</c> (<see cref="RouteReplyExecutor"/>) and the cross-channel forward pick the
/// sender by the target instance's provider, so a workflow answers on whatever channel the event came from.
/// Throws <see cref="Actions.TransientActionException"/> for what may pass (timeouts, 5xx, 429) and
/// <see cref="Actions.PermanentActionException"/> for what will not (4xx, missing settings).
/// </summary>
public interface IChannelSender
{
    /// <summary>The provider whose instances this sender serves (<c>evolution</c>, <c>discord</c>, ...).</summary>
    string Provider { get; }

    Task<SentText> SendTextAsync(OutboundText message, CancellationToken cancellationToken);
}

/// <summary>
/// Text to send: to <paramref name="ConversationId"/> on <paramref name="Instance"/> (configured by
/// <paramref name="Settings"/>), optionally quoting <paramref name="Quote"/> (an event of that conversation).
/// <paramref name="InReplyTo"/> is the event being answered when there is one (a Discord interaction is answered through
/// its token, not as a new message), else null (a forward, a scheduled notice). <paramref name="ActionId"/> is the action
/// sending it, which the sender's errors name.
/// </summary>
public sealed record OutboundText(
    string Instance,
    InstanceOptions Settings,
    string ConversationId,
    string Text,
    OmniEvent? InReplyTo = null,
    OmniEvent? Quote = null,
    string ActionId = RouteReplyExecutor.Id);

/// <summary>
/// What the provider said about a sent message: its id when it gives one, and its delivery status. <paramref name="Echo"/>
/// is, for a provider that never delivers our own messages back (Telegram), the sent message as an inbound payload of that
/// provider: the executor ingests it (<see cref="OutboundEchoes"/>), so the conversation shows what we said.
/// </summary>
public sealed record SentText(string? MessageId, string? Status = null, BinaryData? Echo = null);
