using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Services.Actions;

namespace Omni.Services.Connections;

/// <summary>
/// <c>route.reply</c>: answers the triggering event in its own conversation, on its own channel: one action id, one
/// <see cref="IChannelSender"/> per provider behind it. Parameters: <c>text</c> (required) and <c>quote</c> (quote the
/// triggering message, where the provider can). Output: <c>message_id</c>, <c>recipient</c>, <c>status</c>.
/// </summary>
public sealed class RouteReplyExecutor(ChannelSenders senders, OutboundEchoes echoes) : IActionExecutor
{
    public const string Id = "route.reply";

    public string ActionId => Id;

    public bool IsSideEffect => true;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var e = invocation.Event;
        var text = invocation.RequireString("text");
        var (instance, sender) = senders.For(Id, e.Instance);
        var recipient = e.ConversationId ?? throw new PermanentActionException($"{Id}: the event has no conversation_id to reply to.");
        var quote = invocation.GetBool("quote") && !string.IsNullOrEmpty(e.ProviderMessageId) ? e : null;
        var sent = await sender.SendTextAsync(new OutboundText(e.Instance, instance, recipient, text, e, quote), cancellationToken);
        await echoes.RecordAsync(sender.Provider, e.Instance, sent, cancellationToken);

        var output = new JsonObject
        {
            ["message_id"] = sent.MessageId,
            ["recipient"] = recipient,
            ["status"] = sent.Status,
        };
        return new ActionOutcome
        {
            Output = JsonSerializer.SerializeToElement(output),
            Provider = sender.Provider,
            Summary = $"sent {text.Length} chars to {recipient} as {sent.MessageId ?? "(no id)"}",
        };
    }
}
