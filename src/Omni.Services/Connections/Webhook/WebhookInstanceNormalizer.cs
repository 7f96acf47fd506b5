using Omni.Engine.Normalization;
using Omni.Engine.Normalization.Webhook;
using Omni.Services.Configuration;

namespace Omni.Services.Connections.Webhook;

/// <summary>The engine's <see cref="WebhookNormalizer"/> with each instance's <c>Mapping</c> setting.</summary>
public sealed class WebhookInstanceNormalizer(OmniOptions options) : IPayloadNormalizer
{
    private readonly WebhookNormalizer _inner = new(instance =>
        options.Instances.TryGetValue(instance, out var settings) ? settings.Mapping : null);

    public string Provider => _inner.Provider;

    public int Version => _inner.Version;

    public NormalizationResult Normalize(RawPayload payload) => _inner.Normalize(payload);

    /// <summary>
    /// Throws at startup, naming the instance and every problem, when a <c>webhook</c> instance's mapping is missing or
    /// invalid: a mistake in configuration should stop the host, not turn every delivery into <c>unknown</c>.
    /// </summary>
    public static void ThrowIfInvalid(OmniOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (name, instance) in options.Instances.Where(i => i.Value.Provider == WebhookNormalizer.ProviderName))
        {
            var problems = instance.Mapping?.Problems() ?? ["no Mapping is configured (Omni:Instances:" + name + ":Mapping:Conversation, ...)"];
            if (problems.Count > 0)
            {
                throw new InvalidOperationException($"Omni:Instances:{name}:Mapping is invalid: {string.Join("; ", problems)}.");
            }
        }
    }
}
