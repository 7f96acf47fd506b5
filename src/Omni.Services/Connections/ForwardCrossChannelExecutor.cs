using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Conversations;
using Omni.Engine.Identity;
using Omni.Services.Actions;
using Omni.Services.Configuration;
using Omni.Services.Identity;

namespace Omni.Services.Connections;

/// <summary>
/// <c>route.forward.cross_channel</c>: sends the event (its text; media by reference, see <see cref="ForwardText"/>) to
/// another conversation, possibly on another channel, through the target instance's <see cref="IChannelSender"/>:
/// <list type="bullet">
/// <item><c>instance</c> + <c>to</c>: that conversation on that instance (a Telegram chat id, a Slack channel id, …);</item>
/// <item><c>identity</c> (an identity id, or <c>sender</c>): that person's preferred channel and its route
/// (<see cref="PreferredChannels"/>: explicit, else the most recent two-way exchange).</item>
/// </list>
/// A side effect: the registry runs it effect-once per (run, step), so a redelivered event or a retried step forwards once.
/// </summary>
public sealed class ForwardCrossChannelExecutor(ChannelSenders senders, OmniOptions options, IServiceProvider services, OutboundEchoes echoes) : IActionExecutor
{
    public const string Id = "route.forward.cross_channel";
    public const string Sender = "sender";

    public string ActionId => Id;

    public bool IsSideEffect => true;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var e = invocation.Event;
        var text = ForwardText.Compose(e, invocation.GetString("text"))
                   ?? throw new PermanentActionException($"{Id}: nothing to forward: the event has no text or media and the step gives no text.");
        var (instanceName, to, identityId) = await TargetAsync(invocation, cancellationToken);
        var (settings, sender) = senders.For(Id, instanceName);
        var sent = await sender.SendTextAsync(new OutboundText(instanceName, settings, to, text, ActionId: Id), cancellationToken);
        await echoes.RecordAsync(sender.Provider, instanceName, sent, cancellationToken);

        var output = new JsonObject
        {
            ["message_id"] = sent.MessageId,
            ["instance"] = instanceName,
            ["provider"] = sender.Provider,
            ["channel"] = IdentityTimeline.ChannelOfProvider(settings.Provider),
            ["conversation_id"] = to,
            ["identity_id"] = identityId,
            ["status"] = sent.Status,
        };
        return new ActionOutcome
        {
            Output = JsonSerializer.SerializeToElement(output),
            Provider = sender.Provider,
            Summary = $"forwarded {text.Length} chars to {to} on {instanceName} as {sent.MessageId ?? "(no id)"}",
        };
    }

    /// <summary>Where it goes: the step's instance + to, or the route to an identity's preferred channel.</summary>
    private async Task<(string Instance, string To, string? IdentityId)> TargetAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        var (instance, to, identity) = (invocation.GetString("instance"), invocation.GetString("to"), invocation.GetString("identity"));
        if (identity is null)
        {
            return instance is not null && to is not null
                ? (instance, to, null)
                : throw new PermanentActionException($"{Id}: give instance and to (a conversation on that instance), or identity.");
        }

        if (instance is not null || to is not null)
        {
            throw new PermanentActionException($"{Id}: give either identity or instance and to, not both.");
        }

        var identityId = identity == Sender
            ? invocation.Event.IdentityId ?? throw new PermanentActionException($"{Id}: the event's sender has no identity to forward to.")
            : identity;
        if (!IdentityIds.IsIdentityId(identityId))
        {
            throw new PermanentActionException($"{Id}: identity must be an identity id (idn_…) or {Sender}; got '{identity}'.");
        }

        var registry = services.GetService<IdentityService>();
        var preferences = services.GetService<PreferredChannels>();
        if (registry is null || preferences is null)
        {
            throw new PermanentActionException($"{Id}: this host has no identity registry to resolve '{identityId}'.");
        }

        var found = await registry.GetAsync(identityId, cancellationToken)
                    ?? throw new PermanentActionException($"{Id}: no identity '{identityId}'.");
        var person = await preferences.ResolveAsync(found, [.. options.Instances.Keys], cancellationToken);
        return person.PreferredRoute is { } route
            ? (route.Instance, route.ConversationId, identityId)
            : throw new PermanentActionException(
                $"{Id}: no conversation with {identityId} is known on its preferred channel ({person.PreferredChannel ?? "none"}, {person.PreferredChannelSource}); " +
                "it has to write there once, or set another preferred_channel.");
    }
}
