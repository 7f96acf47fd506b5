namespace Omni.Services.Actions;

/// <summary>
/// The waits inside an action (polling AssemblyAI, a short retry on the same provider, waiting for a concurrent
/// execution of the same side effect). One seam so tests run them instantly: subclass and override.
/// </summary>
public class ActionDelays(TimeProvider time)
{
    public virtual Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, time, cancellationToken);
}
