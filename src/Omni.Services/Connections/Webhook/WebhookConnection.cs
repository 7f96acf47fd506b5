using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Omni.Engine.Normalization;

namespace Omni.Services.Connections.Webhook;

/// <summary>
/// A generic signed webhook (provider <c>webhook</c>): Standard Webhooks v1/v1a verification and each instance's field
/// mapping. Receive only: there is nothing to reply through, so it registers no <see cref="IChannelSender"/>.
/// </summary>
public static class WebhookConnection
{
    public static IServiceCollection AddWebhookConnection(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPayloadNormalizer, WebhookInstanceNormalizer>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWebhookVerifier, StandardWebhookVerifier>());
        return services;
    }
}
