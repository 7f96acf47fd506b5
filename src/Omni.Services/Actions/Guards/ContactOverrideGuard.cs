using Omni.Engine.Identity;
using Omni.Engine.Workflows.Running;
using Omni.Services.Contacts;

namespace Omni.Services.Actions.Guards;

/// <summary>
/// <c>guard.contact_override.&lt;label&gt;</c>: a per-contact override (partner, VIP, team) that never stops the run. It
/// applies when the sender (its handle or the identity it was stamped with) is in <c>handles</c> or, when <c>handles</c>
/// is absent or empty, on the instance's stored contact list named by the label. The output carries the override for
/// later steps: <c>{"verdict": "continue", "label", "applies", "agent"?, "system_prompt"?, "matched"?}</c> — <c>agent</c>
/// and <c>system_prompt</c> only when it applies, so <c>{{ steps.&lt;id&gt;.output.agent }}</c> renders empty (the
/// agent's default) for everyone else.
/// </summary>
public sealed class ContactOverrideGuard(ContactListStore lists) : IActionExecutor
{
    public const string Id = "guard.contact_override";

    public string ActionId => Id;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var label = invocation.GetString("label")
                    ?? (invocation.ActionId.StartsWith(Id + ".", StringComparison.Ordinal) ? invocation.ActionId[(Id.Length + 1)..] : null)
                    ?? throw new PermanentActionException($"{Id}: the label is required (use the id form {Id}.<label>).");
        var evt = invocation.Event;
        var keys = ContactEntries.SenderKeys(evt);
        var handles = GuardOutput.Handles(invocation, evt.Channel);
        string? matched;
        string source;
        var note = "";
        if (handles is { } given && (given.Entries.Count > 0 || given.Ignored.Count > 0))
        {
            matched = keys.FirstOrDefault(key => given.Entries.Contains(key, StringComparer.Ordinal));
            source = "the step's handles";
            note = GuardOutput.IgnoredNote(given.Ignored);
        }
        else
        {
            if (!ContactListStore.IsValidListName(label))
            {
                throw new PermanentActionException($"{Id}: the label '{label}' cannot name a stored contact list (1-64 of a-z, 0-9, '_' and '-'); give handles instead.");
            }

            matched = await lists.FindAnyAsync(evt.Instance, label, keys, cancellationToken);
            source = $"the stored list '{label}'";
        }

        var applies = matched is not null;
        return new ActionOutcome
        {
            Output = GuardOutput.With(
                GuardVerdict.Continue(),
                ("label", label),
                ("applies", applies),
                ("agent", applies ? invocation.GetString("agent") : null),
                ("system_prompt", applies ? invocation.GetString("system_prompt") : null),
                ("matched", matched)),
            Summary = (applies ? $"override '{label}' applies: sender in {source}" : $"override '{label}' does not apply: sender not in {source}") + note,
            State = GuardOutput.State(("rule", $"override '{label}' when the sender is in {source}"), ("source", source), ("keys", keys), ("matched", matched)),
        };
    }
}
