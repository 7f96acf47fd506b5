using System.Text.Json;
using Omni.Engine.Conversations;
using Omni.Engine.Events;
using Omni.Engine.Workflows.Running;
using Omni.Services.Conversations;
using Omni.Services.Events;

namespace Omni.Services.Workflows;

/// <summary>A conversation signal a run takes as received: its name and payload (<c>{"event_id": ...}</c> of the message).</summary>
public sealed record ConversationSignal(string Name, JsonElement Payload);

/// <summary>
/// What the hosts read from a run's conversation. Closes the race of the conversation signals (<c>contact_replied</c>,
/// <c>we_replied</c>): a message stored before the run that waits for it registered its wait is never raised to it (the
/// hosts raise a signal to the waits they find when the message is processed), so when a run starts waiting, the hosts
/// ask here whether the conversation already holds one newer than the run's event. And it reads the conversation's
/// reply state for conditions that read <c>conversation.*</c> (<see cref="ConversationState"/>, recorded in the history).
/// </summary>
public sealed class ConversationReplies(EventStore events, ConversationStore? conversations = null)
{
    /// <summary>How many of the conversation's newest events are looked at.</summary>
    public const int Window = 50;

    /// <summary>The newest contact reply (<see cref="WorkflowInterpreter.IsContactReply"/>) in the event's conversation after it, or null.</summary>
    public async Task<OmniEvent?> FindAfterAsync(OmniEvent original, CancellationToken cancellationToken) =>
        (await FindSignalAfterAsync(original, [WorkflowInterpreter.ContactRepliedEvent], cancellationToken)).Event;

    /// <summary>The newest message in the event's conversation after it that raises one of <paramref name="signals"/>, with that signal.</summary>
    public async Task<(OmniEvent? Event, ConversationSignal? Signal)> FindSignalAfterAsync(
        OmniEvent original, IReadOnlyList<string> signals, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(signals);
        if (original.ConversationId is not { } conversation)
        {
            return (null, null);
        }

        var after = WorkflowInterpreter.StartOf(original);
        var page = await events.ListAsync(original.Instance, conversation, Window, null, cancellationToken);
        var found = page.Events.FirstOrDefault(e => e.EventId != original.EventId && WorkflowInterpreter.StartOf(e) > after
            && WorkflowInterpreter.SignalOf(e) is { } signal && signals.Contains(signal));
        return found is null ? (null, null) : (found, new ConversationSignal(WorkflowInterpreter.SignalOf(found)!, WorkflowInterpreter.ContactRepliedPayload(found)));
    }

    /// <summary>The reply state of the event's conversation now, as conditions read it (<c>conversation.*</c>).</summary>
    public async Task<JsonElement> ReadStateAsync(OmniEvent evt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (conversations is null)
        {
            throw new InvalidOperationException("a workflow reads conversation.* but this host has no conversation store");
        }

        var summary = evt.ConversationId is { } id ? await conversations.GetAsync(evt.Instance, id, cancellationToken) : null;
        return ConversationState.Of(summary).ToJson();
    }
}
