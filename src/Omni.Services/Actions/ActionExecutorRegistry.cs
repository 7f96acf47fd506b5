namespace Omni.Services.Actions;

/// <summary>
/// Maps action ids to executors: every <see cref="IActionExecutor"/> registered in DI, built-in or custom (a custom
/// action is one class and one <c>services.AddSingleton&lt;IActionExecutor, MyAction&gt;()</c>; a later registration of
/// the same id replaces an earlier one). Side-effect executors are wrapped in <see cref="EffectOnceExecutor"/> here, so
/// no caller can dispatch one without the ledger.
/// </summary>
public sealed class ActionExecutorRegistry
{
    private readonly Dictionary<string, IActionExecutor> _raw = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActionExecutor> _guarded = new(StringComparer.Ordinal);
    private readonly ProviderChainRunner _chains;
    private readonly EffectLedger _ledger;
    private readonly ActionDelays _delays;
    private readonly TimeProvider _time;
    private readonly EffectOnceOptions _effectOnce;

    public ActionExecutorRegistry(
        IEnumerable<IActionExecutor> executors, ProviderChainRunner chains, EffectLedger ledger, ActionDelays delays, TimeProvider time,
        EffectOnceOptions? effectOnce = null)
    {
        ArgumentNullException.ThrowIfNull(executors);
        _chains = chains;
        _ledger = ledger;
        _delays = delays;
        _time = time;
        _effectOnce = effectOnce ?? new EffectOnceOptions();
        foreach (var executor in executors)
        {
            _raw[executor.ActionId] = executor;
            _guarded[executor.ActionId] = executor.IsSideEffect ? Guard(executor) : executor;
        }
    }

    public IReadOnlyCollection<string> ActionIds => _guarded.Keys;

    /// <summary>
    /// The executor for <paramref name="actionId"/>, effect-once when it is a side effect. A labelled id
    /// (<c>guard.contact_override.vip</c>) falls back to the executor of its action (<c>guard.contact_override</c>), which
    /// reads the label from the <c>label</c> parameter the interpreter renders (or from the id).
    /// </summary>
    public bool TryGet(string actionId, out IActionExecutor executor) =>
        _guarded.TryGetValue(actionId, out executor!) || (Unlabelled(actionId) is { } unlabelled && _guarded.TryGetValue(unlabelled, out executor!));

    private static string? Unlabelled(string actionId) => actionId.LastIndexOf('.') is > 0 and var dot ? actionId[..dot] : null;

    public IActionExecutor Get(string actionId) =>
        TryGet(actionId, out var executor) ? executor : throw new PermanentActionException($"no executor is registered for the action '{actionId}'.");

    /// <summary>
    /// Runs one step: directly, or through <paramref name="providers"/> in order when the step has a chain. A side effect
    /// with a chain is effect-once as a whole (one ledger row for the step, whichever provider sends).
    /// </summary>
    public Task<ActionOutcome> ExecuteAsync(
        ActionInvocation invocation, IReadOnlyList<string>? providers = null, ChainOptions? chainOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (providers is not { Count: > 0 })
        {
            return Get(invocation.ActionId).ExecuteAsync(invocation, cancellationToken);
        }

        if (!_raw.TryGetValue(invocation.ActionId, out var raw) && !(Unlabelled(invocation.ActionId) is { } unlabelled && _raw.TryGetValue(unlabelled, out raw)))
        {
            throw new PermanentActionException($"no executor is registered for the action '{invocation.ActionId}'.");
        }

        if (!raw.IsSideEffect)
        {
            return _chains.RunAsync(raw, invocation, providers, chainOptions, cancellationToken);
        }

        return Guard(new ChainExecutor(raw, _chains, providers, chainOptions)).ExecuteAsync(invocation, cancellationToken);
    }

    private EffectOnceExecutor Guard(IActionExecutor executor) => new(executor, _ledger, _delays, _time, _effectOnce);

    /// <summary>A chain seen as one executor, so the ledger wraps the chain and not each provider.</summary>
    private sealed class ChainExecutor(IActionExecutor inner, ProviderChainRunner chains, IReadOnlyList<string> providers, ChainOptions? options)
        : IActionExecutor
    {
        public string ActionId => inner.ActionId;

        public bool IsSideEffect => true;

        public Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken) =>
            chains.RunAsync(inner, invocation, providers, options, cancellationToken);
    }
}
