namespace Omni.Engine.Normalization;

/// <summary>Turns one provider's raw webhook body into Omni events. Pure: no I/O, no clock.</summary>
public interface IPayloadNormalizer
{
    /// <summary>The provider segment of the webhook URL this normalizer reads (<c>evolution</c>, ...).</summary>
    string Provider { get; }

    /// <summary>
    /// The version of this normalizer's mapping: raise it whenever the events it makes from the same bytes change (a
    /// field renamed, added or read differently). Every stored event records it as <c>normalizer_version</c>; the catalogue
    /// flags shapes stored by an older version, and <c>POST /api/replay/drift</c> shows what changed.
    /// </summary>
    int Version { get; }

    NormalizationResult Normalize(RawPayload payload);
}
