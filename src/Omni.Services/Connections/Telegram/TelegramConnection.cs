using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Omni.Engine.Normalization;
using Omni.Services.Actions.Http;

namespace Omni.Services.Connections.Telegram;

/// <summary>Telegram Bot API: normalizer (with each instance's bot id), secret-token verification, sendMessage.</summary>
public static class TelegramConnection
{
    public static IServiceCollection AddTelegramConnection(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPayloadNormalizer, TelegramInstanceNormalizer>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWebhookVerifier, TelegramWebhookVerifier>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannelSender, TelegramSender>());
        services.TryAddSingleton<TelegramBotApi>();
        // The token is part of every Bot API URL: this client logs no request URIs.
        services.AddHttpClient(TelegramBotApi.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();
        return services;
    }
}
