using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Services.Actions;
using Omni.Services.Configuration;

namespace Omni.Services.Connections;

/// <summary>
/// <c>route.reply</c>: answers the triggering event in its own conversation, on its own channel: one action id, one
/// <see cref="IChannelSender"/> per provider behind it. Parameters: <c>text</c> (required) and <c>quote</c> (quote the
/// triggering message, where the provider can). Output: <c>message_id</c>, <c>recipient</c>, <c>status</c>.
/// </summary>
public sealed class RouteReplyExecutor(IEnumerable<IChannelSender> senders, OmniOptions options) : IActionExecutor
{
    public const string Id = "route.reply";

    private readonly Dictionary<string, IChannelSender> _senders = senders.ToDictionary(s => s.Provider, StringComparer.Ordinal);

    public string ActionId => Id;

    public bool IsSideEffect => true;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var e = invocation.Event;
        var text = invocation.RequireString("text");
        if (!options.Instances.TryGetValue(e.Instance, out var instance))
        {
            throw new PermanentActionException($"{Id}: the instance '{e.Instance}' is not configured (Omni:Instances:{e.Instance}).");
        }

        if (!_senders.TryGetValue(instance.Provider, out var sender))
        {
            throw new PermanentActionException($"{Id}: sending through '{instance.Provider}' instances is not supported.");
        }

        var recipient = e.ConversationId ?? throw new PermanentActionException($"{Id}: the event has no conversation_id to reply to.");
        var quote = invocation.GetBool("quote") && !string.IsNullOrEmpty(e.ProviderMessageId) ? e : null;
        var sent = await sender.SendTextAsync(new OutboundText(e.Instance, instance, recipient, text, e, quote), cancellationToken);

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
