using Omni.Relay.Discord;

namespace Omni.Relay.Gateway;

/// <summary>
/// Paces one bot's IDENTIFYs (docs/events/Gateway.md, "Rate limiting" and "Session Start Limit"): shards fall into
/// <c>max_concurrency</c> buckets (<c>shard_id % max_concurrency</c>) and each bucket identifies at most once per
/// <see cref="RelayOptions.IdentifyInterval"/>; the daily session budget (<c>session_start_limit.remaining</c>) is
/// counted down, and when it is spent the gate waits for <c>reset_after</c> and asks <c>GET /gateway/bot</c> again.
/// RESUMEs do not pass through here: they cost no session start.
/// </summary>
public sealed class IdentifyGate : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly Func<CancellationToken, Task<GatewayBotInfo>> _refresh;
    private readonly Dictionary<int, DateTimeOffset> _nextInBucket = [];
    private int _maxConcurrency;
    private int _remaining;
    private DateTimeOffset _resetAt;

    public IdentifyGate(GatewayBotInfo info, TimeSpan interval, TimeProvider time, Func<CancellationToken, Task<GatewayBotInfo>> refresh)
    {
        _interval = interval;
        _time = time;
        _refresh = refresh;
        Apply(info);
    }

    /// <summary>Sessions this bot may still start before the budget resets.</summary>
    public int Remaining => _remaining;

    /// <summary>Waits until shard <paramref name="shardId"/> may IDENTIFY, and takes one session start from the budget.</summary>
    public async Task WaitAsync(int shardId, CancellationToken cancellationToken)
    {
        TimeSpan wait;
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (_remaining <= 0)
            {
                var untilReset = _resetAt - _time.GetUtcNow();
                if (untilReset > TimeSpan.Zero)
                {
                    await Task.Delay(untilReset, _time, cancellationToken).ConfigureAwait(false);
                }

                Apply(await _refresh(cancellationToken).ConfigureAwait(false));
                if (_remaining <= 0 && _resetAt <= _time.GetUtcNow())
                {
                    // Discord says the budget is spent but resets now: do not spin on it.
                    await Task.Delay(_interval, _time, cancellationToken).ConfigureAwait(false);
                }
            }

            var bucket = shardId % _maxConcurrency;
            var now = _time.GetUtcNow();
            var at = _nextInBucket.TryGetValue(bucket, out var next) && next > now ? next : now;
            _nextInBucket[bucket] = at + _interval;
            _remaining--;
            wait = at - now;
        }
        finally
        {
            _lock.Release();
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _lock.Dispose();

    private void Apply(GatewayBotInfo info)
    {
        _maxConcurrency = Math.Max(1, info.MaxConcurrency);
        _remaining = info.SessionStartRemaining;
        _resetAt = _time.GetUtcNow() + info.SessionStartResetAfter;
    }
}
