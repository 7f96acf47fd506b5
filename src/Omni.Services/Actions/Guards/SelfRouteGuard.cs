using Omni.Engine.Workflows.Running;

namespace Omni.Services.Actions.Guards;

/// <summary>
/// <c>guard.self_route</c>: what happens to a message the instance's own account sent (<c>from_me</c>). Mode
/// <c>ignore</c> stops the run (<c>skipped: own message</c>), <c>log</c> and <c>reroute</c> let it continue (the reason
/// says so in the audit log). Anything not from the account itself continues. Pure: no I/O.
/// </summary>
public sealed class SelfRouteGuard : IActionExecutor
{
    public const string Id = "guard.self_route";

    public string ActionId => Id;

    public Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var mode = invocation.GetString("mode") ?? "ignore";
        if (mode is not ("ignore" or "log" or "reroute"))
        {
            throw new PermanentActionException($"{Id}: mode must be ignore, log or reroute, not '{mode}'.");
        }

        var (output, summary) = !invocation.Event.FromMe
            ? (GuardVerdict.Continue(), "not an own message")
            : mode switch
            {
                "ignore" => (GuardVerdict.Stop("own message"), "own message: ignored"),
                "log" => (GuardVerdict.Continue(), "own message: logged"),
                _ => (GuardVerdict.Continue(), $"own message: rerouted to {invocation.GetString("reroute_to") ?? "the default agent"}"),
            };
        var state = GuardOutput.State(("rule", $"mode: {mode}"), ("mode", mode), ("from_me", invocation.Event.FromMe));
        return Task.FromResult(new ActionOutcome { Output = output, Summary = summary, State = state });
    }
}
