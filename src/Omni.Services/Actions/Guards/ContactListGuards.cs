using Omni.Engine.Workflows.Running;

namespace Omni.Services.Actions.Guards;

/// <summary>
/// <c>guard.allowlist</c>: continues only when the event's sender (<c>match: sender</c>: its handle or the identity it was
/// stamped with) or conversation (<c>match: conversation</c>) is in <c>handles</c>; stops otherwise (<c>not on the
/// allowlist</c>). Entries are handles or identity ids, compared in canonical form (<see cref="Omni.Engine.Identity.ContactEntries"/>:
/// <c>5511999990001</c> matches <c>5511999990001@s.whatsapp.net</c>). Pure: no I/O.
/// </summary>
public sealed class AllowlistGuard : IActionExecutor
{
    public const string Id = "guard.allowlist";

    public string ActionId => Id;

    public Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken) =>
        Task.FromResult(HandleListGuard.Decide(invocation, allow: true));
}

/// <summary><c>guard.denylist</c>: the opposite of <see cref="AllowlistGuard"/>: stops when the sender (or conversation) is in <c>handles</c>.</summary>
public sealed class DenylistGuard : IActionExecutor
{
    public const string Id = "guard.denylist";

    public string ActionId => Id;

    public Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken) =>
        Task.FromResult(HandleListGuard.Decide(invocation, allow: false));
}

internal static class HandleListGuard
{
    public static ActionOutcome Decide(ActionInvocation invocation, bool allow)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var evt = invocation.Event;
        var match = GuardOutput.Match(invocation);
        var (entries, ignored) = GuardOutput.Handles(invocation, evt.Channel)
                                 ?? throw new PermanentActionException($"{invocation.ActionId}: the parameter 'handles' is required.");
        var keys = GuardOutput.Keys(evt, match);
        var matched = keys.FirstOrDefault(key => entries.Contains(key, StringComparer.Ordinal));
        var list = allow ? "allowlist" : "denylist";
        var note = GuardOutput.IgnoredNote(ignored);
        var state = GuardOutput.State(
            ("rule", allow ? $"continue only when the {match} is in handles" : $"stop when the {match} is in handles"),
            ("match", match), ("handles", entries), ("keys", keys), ("matched", matched));
        if (matched is null)
        {
            return allow
                ? new ActionOutcome { Output = GuardVerdict.Stop($"{match} not on the allowlist"), Summary = $"{match} not on the allowlist{note}", State = state }
                : new ActionOutcome { Output = GuardVerdict.Continue(), Summary = $"{match} not on the denylist{note}", State = state };
        }

        var verdict = allow ? GuardVerdict.Continue() : GuardVerdict.Stop($"{match} on the denylist");
        return new ActionOutcome
        {
            Output = GuardOutput.With(verdict, ("matched", matched)),
            Summary = $"{match} on the {list} (as {(Omni.Engine.Identity.ContactEntries.IsIdentity(matched) ? "identity" : "handle")}){note}",
            State = state,
        };
    }
}
