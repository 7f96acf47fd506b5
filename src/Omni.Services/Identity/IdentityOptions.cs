namespace Omni.Services.Identity;

/// <summary><c>Omni:Identity</c>: the identity registry's resolution on ingest.</summary>
public sealed class IdentityOptions
{
    /// <summary>Resolve each event's sender and stamp <c>identity_id</c> while normalizing (default on).</summary>
    public bool ResolveOnIngest { get; init; } = true;

    /// <summary>Handles whose owner the normalizer remembers (least recently used ones are forgotten first).</summary>
    public int CacheSize { get; init; } = 50_000;

    /// <summary>
    /// How long a remembered owner is trusted. Bounds how long another worker keeps stamping a handle's old owner after a
    /// link or merge elsewhere (timelines follow current ownership regardless; see docs/identity.md).
    /// </summary>
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromMinutes(10);
}
