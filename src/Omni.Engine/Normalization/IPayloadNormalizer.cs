namespace Omni.Engine.Normalization;

/// <summary>Turns one provider's raw webhook body into Omni events. Pure: no I/O, no clock.</summary>
public interface IPayloadNormalizer
{
    /// <summary>The provider segment of the webhook URL this normalizer reads (<c>evolution</c>, ...).</summary>
    string Provider { get; }

    NormalizationResult Normalize(RawPayload payload);
}
