using Omni.Engine.Events;
using Omni.Engine.Workflows.Running;
using Omni.Services.Events;

namespace Omni.Services.Workflows;

/// <summary>
/// Closes the race of <c>contact_replied</c>: a reply stored before the run that waits for it registered its wait is
/// never raised to it (the hosts raise it to the waits they find when the reply is processed). So when a run starts
/// waiting, the hosts ask here whether the conversation already holds a reply newer than the run's event.
/// </summary>
public sealed class ConversationReplies(EventStore events)
{
    /// <summary>How many of the conversation's newest events are looked at.</summary>
    public const int Window = 50;

    /// <summary>The newest contact reply (<see cref="WorkflowInterpreter.IsContactReply"/>) in the event's conversation after it, or null.</summary>
    public async Task<OmniEvent?> FindAfterAsync(OmniEvent original, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(original);
        if (original.ConversationId is not { } conversation)
        {
            return null;
        }

        var after = WorkflowInterpreter.StartOf(original);
        var page = await events.ListAsync(original.Instance, conversation, Window, null, cancellationToken);
        return page.Events.FirstOrDefault(e =>
            e.EventId != original.EventId && WorkflowInterpreter.IsContactReply(e) && WorkflowInterpreter.StartOf(e) > after);
    }
}
