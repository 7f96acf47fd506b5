using Omni.Engine.Normalization;
using Omni.Engine.Normalization.Slack;
using Omni.Services.Configuration;

namespace Omni.Services.Connections.Slack;

/// <summary>The engine's <see cref="SlackNormalizer"/> told each instance's configured <c>BotUserId</c> (for <c>from_me</c>).</summary>
public sealed class SlackInstanceNormalizer(OmniOptions options) : IPayloadNormalizer
{
    private readonly SlackNormalizer _inner = new(instance =>
        options.Instances.TryGetValue(instance, out var settings) ? settings.BotUserId : null);

    public string Provider => _inner.Provider;

    public int Version => _inner.Version;

    public NormalizationResult Normalize(RawPayload payload) => _inner.Normalize(payload);
}
