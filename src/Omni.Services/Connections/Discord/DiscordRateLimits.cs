using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;

namespace Omni.Services.Connections.Discord;

/// <summary>
/// What Discord's answers said about its rate limits, remembered per route (a method, path and top-level resource:
/// <c>POST channels/{id}/messages</c>, <c>webhooks/{application}/{token}</c>) and globally, so a route known to be
/// exhausted is not called again before it resets (every 429 counts toward Discord's invalid-request ban):
/// <list type="bullet">
/// <item><c>X-RateLimit-Remaining: 0</c> with <c>X-RateLimit-Reset-After</c> (seconds, with decimals): the route waits
/// that long;</item>
/// <item>a 429: the route waits <c>retry_after</c>; with <c>X-RateLimit-Global: true</c> (or <c>"global": true</c>, scope
/// <c>global</c>) every route does.</item>
/// </list>
/// In memory, per process: a second host learns the limits from its own answers.
/// </summary>
public sealed class DiscordRateLimits(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _routeFreeAt = new(StringComparer.Ordinal);
    private long _globalFreeAtTicks;

    /// <summary>How long <paramref name="route"/> must wait before it may be called; zero when it may be called now.</summary>
    public TimeSpan WaitFor(string route)
    {
        var now = time.GetUtcNow();
        var global = new DateTimeOffset(Interlocked.Read(ref _globalFreeAtTicks), TimeSpan.Zero);
        var freeAt = _routeFreeAt.TryGetValue(route, out var at) && at > global ? at : global;
        return freeAt > now ? freeAt - now : TimeSpan.Zero;
    }

    /// <summary>Records the rate-limit headers of any answer (success or failure).</summary>
    public void Observe(string route, HttpResponseHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (ExhaustedFor(Header(headers, "X-RateLimit-Remaining"), Header(headers, "X-RateLimit-Reset-After")) is { } wait)
        {
            Block(route, wait);
        }
        else
        {
            _routeFreeAt.TryRemove(route, out _);
        }
    }

    /// <summary>Records a 429: the route, or with <paramref name="global"/> every route, waits <paramref name="retryAfter"/>.</summary>
    public void Limited(string route, TimeSpan retryAfter, bool global)
    {
        if (global)
        {
            var until = (time.GetUtcNow() + retryAfter).UtcTicks;
            long seen;
            do
            {
                seen = Interlocked.Read(ref _globalFreeAtTicks);
            }
            while (until > seen && Interlocked.CompareExchange(ref _globalFreeAtTicks, until, seen) != seen);
        }
        else
        {
            Block(route, retryAfter);
        }
    }

    /// <summary>The wait a bucket's headers call for: none unless nothing remains and a reset time is given. Pure.</summary>
    public static TimeSpan? ExhaustedFor(string? remaining, string? resetAfter) =>
        int.TryParse(remaining, NumberStyles.Integer, CultureInfo.InvariantCulture, out var left) && left <= 0 &&
        double.TryParse(resetAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds < 86_400
            ? TimeSpan.FromSeconds(seconds)
            : null;

    private void Block(string route, TimeSpan wait) => _routeFreeAt[route] = time.GetUtcNow() + wait;

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
