using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Omni.Engine.Normalization;

namespace Omni.Services.Connections.Slack;

/// <summary>Slack Events API: normalizer, v0 signature verification with the url_verification handshake, chat.postMessage.</summary>
public static class SlackConnection
{
    public static IServiceCollection AddSlackConnection(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPayloadNormalizer, SlackInstanceNormalizer>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWebhookVerifier, SlackWebhookVerifier>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannelSender, SlackSender>());
        services.AddHttpClient(SlackSender.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        return services;
    }
}
