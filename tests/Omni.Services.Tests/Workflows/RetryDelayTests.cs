using Omni.Engine.Workflows;
using Omni.Services.Workflows;

namespace Omni.Services.Tests.Workflows;

/// <summary>When a step is tried again: its own backoff, or the provider's Retry-After when that is longer (bounded), on both drivers.</summary>
public sealed class RetryDelayTests
{
    private static readonly RetryPolicy Policy = new(5, TimeSpan.FromSeconds(2), 2.0, TimeSpan.FromSeconds(30));

    [Theory]
    [InlineData(1, null, 2_000)] // no Retry-After: the step's backoff
    [InlineData(3, null, 8_000)]
    [InlineData(9, null, 30_000)] // capped at max_delay
    [InlineData(1, 1_000, 2_000)] // the provider asked for less than the backoff: the backoff
    [InlineData(1, 2_000, 2_000)]
    [InlineData(1, 2_001, 2_001)] // for more: what it asked
    [InlineData(9, 120_000, 120_000)] // even beyond max_delay: sooner would only meet another 429
    [InlineData(1, 3_600_000, 3_600_000)]
    [InlineData(1, 3_600_001, 3_600_000)] // but never more than an hour
    public void RetryDelay_TheLongerOfBackoffAndRetryAfter_RetryAfterAtMostAnHour(int failedAttempts, int? retryAfterMs, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs),
            WorkflowStepExecutor.RetryDelay(Policy, failedAttempts, retryAfterMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null));

    [Theory]
    [InlineData(2_500.0, "HTTP 429: slow down [retry after 2500 ms]")]
    [InlineData(0.4, "HTTP 429: slow down [retry after 1 ms]")] // rounded up: never sooner than asked
    public void WithRetryAfter_AppendsTheWait_RetryAfterInReadsItBackAndTheMessage(double ms, string expected)
    {
        var carried = WorkflowStepExecutor.WithRetryAfter("HTTP 429: slow down", TimeSpan.FromMilliseconds(ms));

        Assert.Equal(expected, carried);
        var (message, retryAfter) = WorkflowStepExecutor.RetryAfterIn(carried);
        Assert.Equal("HTTP 429: slow down", message);
        Assert.Equal(TimeSpan.FromMilliseconds(Math.Ceiling(ms)), retryAfter);
    }

    [Theory]
    [InlineData("HTTP 503: overloaded")]
    [InlineData("the provider said [retry after 5 ms] and then more")] // not at the end: the provider's own text
    [InlineData("HTTP 429 [retry after soon ms]")]
    [InlineData("HTTP 429 [retry after -5 ms]")]
    [InlineData("")]
    public void RetryAfterIn_MessageWithoutTheMarkerAtItsEnd_UnchangedAndNoWait(string text) =>
        Assert.Equal((text, (TimeSpan?)null), WorkflowStepExecutor.RetryAfterIn(text));

    [Fact]
    public void WithRetryAfter_NoWait_MessageUnchanged() =>
        Assert.Equal("HTTP 503", WorkflowStepExecutor.WithRetryAfter("HTTP 503", null));
}
