namespace Omni.Relay.Gateway;

/// <summary>
/// Bounded exponential backoff with jitter, used for reconnects and for deliveries: attempt 0 waits about
/// <c>min</c>, each further attempt doubles it, never beyond <c>max</c>, never below <c>min</c> (so a loop that fails at
/// once still cannot spin). Pure: the random draw is passed in.
/// </summary>
public static class Backoff
{
    /// <param name="attempt">0 for the first retry.</param>
    /// <param name="random01">A draw in [0, 1): the delay is jittered to between half and all of the exponential value.</param>
    public static TimeSpan Delay(int attempt, TimeSpan min, TimeSpan max, double random01)
    {
        if (max < min)
        {
            max = min;
        }

        var exponent = Math.Clamp(attempt, 0, 30);
        var raw = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, exponent));
        var jittered = raw * (0.5 + (0.5 * Math.Clamp(random01, 0, 1)));
        return TimeSpan.FromMilliseconds(Math.Max(min.TotalMilliseconds, jittered));
    }
}
