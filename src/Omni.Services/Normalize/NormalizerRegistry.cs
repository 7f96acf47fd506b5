using Omni.Engine.Normalization;

namespace Omni.Services.Normalize;

/// <summary>The normalizers this deployment knows, by provider name (the <c>{provider}</c> URL segment).</summary>
public sealed class NormalizerRegistry(IEnumerable<IPayloadNormalizer> normalizers)
{
    private readonly Dictionary<string, IPayloadNormalizer> _byProvider =
        normalizers.ToDictionary(n => n.Provider, StringComparer.Ordinal);

    public bool Supports(string provider) => _byProvider.ContainsKey(provider);

    public IPayloadNormalizer? Find(string provider) => _byProvider.GetValueOrDefault(provider);

    public IReadOnlyCollection<string> Providers => _byProvider.Keys;
}
