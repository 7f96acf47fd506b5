using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Omni.Engine.Normalization;
using Omni.Engine.Normalization.Discord;
using Omni.Services.Configuration;

namespace Omni.Services.Connections.Discord;

/// <summary>
/// Discord: the normalizer (with each instance's <c>BotUserId</c> for <c>from_me</c>), the relay / Ed25519 verifier and
/// the REST sender with its rate-limit memory and HTTP client.
/// </summary>
public static class DiscordConnection
{
    public static IServiceCollection AddDiscordConnection(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPayloadNormalizer, DiscordNormalizer>(sp =>
        {
            var instances = sp.GetRequiredService<OmniOptions>().Instances;
            return new DiscordNormalizer(name => instances.TryGetValue(name, out var instance) ? instance.BotUserId : null);
        }));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWebhookVerifier, DiscordWebhookVerifier>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannelSender, DiscordSender>());
        if (services.Any(d => d.ServiceType == typeof(DiscordRest)))
        {
            return services;
        }

        services.AddSingleton<DiscordRateLimits>();
        services.AddSingleton<DiscordRest>();
        services.AddHttpClient(DiscordRest.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = DecompressionMethods.All,
            });
        return services;
    }
}
