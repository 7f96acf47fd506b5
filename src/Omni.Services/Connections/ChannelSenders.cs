using Omni.Services.Actions;
using Omni.Services.Configuration;

namespace Omni.Services.Connections;

/// <summary>The <see cref="IChannelSender"/> of each provider, and the one an instance sends through.</summary>
public sealed class ChannelSenders(IEnumerable<IChannelSender> senders, OmniOptions options)
{
    private readonly Dictionary<string, IChannelSender> _byProvider = senders.ToDictionary(s => s.Provider, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Providers => _byProvider.Keys;

    /// <summary>The instance's settings and sender; a <see cref="PermanentActionException"/> naming <paramref name="actionId"/> when either is missing.</summary>
    public (InstanceOptions Settings, IChannelSender Sender) For(string actionId, string instance)
    {
        if (!options.Instances.TryGetValue(instance, out var settings))
        {
            throw new PermanentActionException($"{actionId}: the instance '{instance}' is not configured (Omni:Instances:{instance}).");
        }

        return _byProvider.TryGetValue(settings.Provider, out var sender)
            ? (settings, sender)
            : throw new PermanentActionException($"{actionId}: sending through '{settings.Provider}' instances is not supported.");
    }
}
