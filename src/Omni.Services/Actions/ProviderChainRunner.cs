using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Omni.Services.Actions;

/// <summary>How a chain treats each provider.</summary>
public sealed record ChainOptions
{
    /// <summary>Checks every result must pass; null uses <see cref="ResultChecks.DefaultsFor"/> of the action.</summary>
    public IReadOnlyList<ResultCheck>? Checks { get; init; }

    /// <summary>Calls per provider before moving on; only transient failures are retried on the same provider.</summary>
    public int AttemptsPerProvider { get; init; } = 1;

    /// <summary>Wait between calls to the same provider when it gave no <c>Retry-After</c>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A provider asking to wait longer than this (<c>Retry-After</c>) is passed over at once instead.</summary>
    public TimeSpan MaxWaitPerProvider { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Runs a step's provider chain (<c>providers: [groq, openai, assemblyai]</c>): each provider in order, until one succeeds
/// and its result passes the step's checks (non-empty, "not an assistant-style reply" for speech-to-text). A provider
/// that fails — transiently or permanently — or whose result fails a check is passed over for the next.
/// <para>
/// The outcome names the provider that succeeded, the calls made in all (<see cref="ActionOutcome.Attempts"/>) and each
/// provider's attempts (<see cref="ActionOutcome.Chain"/>). When every provider fails, the chain throws
/// <see cref="TransientActionException"/> if any failure was transient (the step's retry policy runs the chain again,
/// no sooner than the shortest <c>Retry-After</c>), else <see cref="PermanentActionException"/>.
/// </para>
/// </summary>
public sealed class ProviderChainRunner(ActionDelays delays, ILogger<ProviderChainRunner>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<ProviderChainRunner>.Instance;

    public async Task<ActionOutcome> RunAsync(
        IActionExecutor executor, ActionInvocation invocation, IReadOnlyList<string> providers, ChainOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(invocation);
        ArgumentNullException.ThrowIfNull(providers);
        if (providers.Count == 0)
        {
            throw new ArgumentException("a provider chain needs at least one provider", nameof(providers));
        }

        options ??= new ChainOptions();
        var checks = options.Checks ?? ResultChecks.DefaultsFor(invocation.ActionId);
        var tried = new List<ProviderAttempt>(providers.Count);
        var totalCalls = 0;
        var anyTransient = false;
        var mayHaveTakenEffect = false;
        TimeSpan? shortestRetryAfter = null;

        foreach (var provider in providers)
        {
            var attempts = 0;
            string? error = null;
            while (true)
            {
                attempts++;
                totalCalls++;
                try
                {
                    var outcome = await executor.ExecuteAsync(invocation.WithProvider(provider), cancellationToken);
                    error = checks.Select(check => check(outcome)).FirstOrDefault(reason => reason is not null);
                    if (error is null)
                    {
                        tried.Add(new ProviderAttempt(provider, attempts, Succeeded: true, Error: null));
                        return outcome with { Provider = outcome.Provider ?? provider, Attempts = totalCalls, Chain = tried };
                    }

                    error = $"{provider}: check failed: {error}";
                    break;
                }
                catch (TransientActionException ex)
                {
                    error = ex.Message;
                    anyTransient = true;
                    mayHaveTakenEffect |= ex.MayHaveTakenEffect;
                    if (ex.RetryAfter is { } retryAfter && (shortestRetryAfter is null || retryAfter < shortestRetryAfter))
                    {
                        shortestRetryAfter = retryAfter;
                    }

                    var wait = ex.RetryAfter ?? options.RetryDelay;
                    if (attempts >= options.AttemptsPerProvider || wait > options.MaxWaitPerProvider)
                    {
                        break;
                    }

                    await delays.DelayAsync(wait, cancellationToken);
                }
                catch (PermanentActionException ex)
                {
                    error = ex.Message;
                    break;
                }
            }

            tried.Add(new ProviderAttempt(provider, attempts, Succeeded: false, Error: error));
            _logger.LogInformation("{ActionId} {EffectKey}: provider {Provider} passed over after {Attempts} attempt(s): {Error}",
                invocation.ActionId, invocation.EffectKey, provider, attempts, error);
        }

        var summary = $"{invocation.ActionId}: every provider failed: " + string.Join("; ", tried.Select(t => $"{t.Provider} ×{t.Attempts}: {t.Error}"));
        if (anyTransient)
        {
            throw new TransientActionException(summary, shortestRetryAfter, mayHaveTakenEffect) { Chain = tried };
        }

        throw new PermanentActionException(summary) { Chain = tried };
    }
}
