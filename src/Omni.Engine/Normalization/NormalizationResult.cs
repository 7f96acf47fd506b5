using Omni.Engine.Events;

namespace Omni.Engine.Normalization;

/// <summary>
/// What a normalizer made of one payload: zero or more events, or a quarantine reason when the payload cannot
/// be read at all (not JSON, not the provider's envelope). Valid JSON of an unknown shape is not quarantined:
/// it becomes an <c>unknown</c> event.
/// </summary>
public sealed record NormalizationResult
{
    private NormalizationResult(IReadOnlyList<OmniEvent> events, string? quarantineReason)
    {
        Events = events;
        QuarantineReason = quarantineReason;
    }

    public IReadOnlyList<OmniEvent> Events { get; }

    public string? QuarantineReason { get; }

    public bool IsQuarantined => QuarantineReason is not null;

    public static NormalizationResult Ok(IReadOnlyList<OmniEvent> events) => new(events, null);

    public static NormalizationResult Quarantine(string reason) => new([], reason);
}
