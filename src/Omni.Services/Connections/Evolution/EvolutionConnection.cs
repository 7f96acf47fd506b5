using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Omni.Engine.Normalization;
using Omni.Engine.Normalization.Evolution;

namespace Omni.Services.Connections.Evolution;

/// <summary>WhatsApp through the Evolution API: normalizer, secret-header / HS256 verification, sendText.</summary>
public static class EvolutionConnection
{
    public static IServiceCollection AddEvolutionConnection(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPayloadNormalizer, EvolutionNormalizer>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWebhookVerifier, EvolutionWebhookVerifier>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannelSender, EvolutionSender>());
        return services;
    }
}
