using Omni.Engine.Identity;
using Omni.Engine.Workflows.Running;
using Omni.Services.Contacts;

namespace Omni.Services.Actions.Guards;

/// <summary>
/// <c>guard.blocklist</c>: stops when the event's sender (its handle or the identity it was stamped with) or its
/// conversation (a blocked group JID blocks the whole group) is on the instance's stored contact list <c>list</c>
/// (default <c>blocked</c>), managed through <c>/api/contact-lists/{instance}/{list}</c> rather than in the workflow.
/// One point read per candidate key in <see cref="ContactListStore"/>.
/// </summary>
public sealed class BlocklistGuard(ContactListStore lists) : IActionExecutor
{
    public const string Id = "guard.blocklist";
    public const string DefaultList = "blocked";

    public string ActionId => Id;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var list = invocation.GetString("list") ?? DefaultList;
        if (!ContactListStore.IsValidListName(list))
        {
            throw new PermanentActionException($"{Id}: list must be 1-64 of a-z, 0-9, '_' and '-', not '{list}'.");
        }

        var evt = invocation.Event;
        var keys = ContactEntries.SenderKeys(evt).Concat(ContactEntries.ConversationKeys(evt)).Distinct(StringComparer.Ordinal).ToList();
        var matched = await lists.FindAnyAsync(evt.Instance, list, keys, cancellationToken);
        var state = GuardOutput.State(("rule", $"stop when the sender or conversation is on the stored list '{list}'"), ("list", list), ("keys", keys), ("matched", matched));
        if (matched is null)
        {
            return new ActionOutcome { Output = GuardVerdict.Continue(), Summary = $"not on the block list '{list}'", State = state };
        }

        var reason = $"on the block list '{list}'";
        return new ActionOutcome
        {
            Output = GuardOutput.With(GuardVerdict.Stop(reason), ("matched", matched)),
            Summary = $"{reason} (as {(ContactEntries.IsIdentity(matched) ? "identity" : "handle")})",
            State = state,
        };
    }
}
