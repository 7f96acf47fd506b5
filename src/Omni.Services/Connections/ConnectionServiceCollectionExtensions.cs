using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Omni.Services.Connections.Discord;
using Omni.Services.Connections.Evolution;
using Omni.Services.Connections.Slack;
using Omni.Services.Connections.Telegram;
using Omni.Services.Connections.Webhook;

namespace Omni.Services.Connections;

/// <summary>
/// The connections this deployment speaks, one per provider (the channel it carries). Each one registers its three parts here, from its own folder: the pure
/// normalizer (engine), the <see cref="IWebhookVerifier"/> that guards its ingest route, and the
/// <see cref="IChannelSender"/> that answers on it. A provider's instances are served only once all are registered.
/// Idempotent (<c>TryAddEnumerable</c>): the core services and the actions both call it, and either may be used alone.
/// </summary>
public static class ConnectionServiceCollectionExtensions
{
    public static IServiceCollection AddOmniConnections(this IServiceCollection services)
    {
        services.AddEvolutionConnection();
        services.AddDiscordConnection();
        services.AddTelegramConnection();
        services.AddSlackConnection();
        services.AddWebhookConnection();
        services.TryAddSingleton<Omni.Services.Ingest.IngestService>();
        services.TryAddSingleton<OutboundEchoes>();
        return services;
    }
}
