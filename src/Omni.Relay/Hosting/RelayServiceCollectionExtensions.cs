using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Omni.Relay.Hosting;

/// <summary>Registers the relay in a host: <c>services.AddOmniRelay(configuration)</c>.</summary>
public static class RelayServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DiscordRelayService"/>, its metrics, HTTP clients and the <c>discord-relay</c> health check,
    /// when at least one instance of <c>Omni:Instances</c> has <c>Provider = discord</c> and a <c>BotToken</c>; otherwise
    /// registers nothing and returns false (the relay is off).
    /// </summary>
    /// <param name="defaultOmniBaseUrl">Used when <c>Omni:Relay:OmniBaseUrl</c> is not set (Omni.Local: its own URL).</param>
    public static bool AddOmniRelay(this IServiceCollection services, IConfiguration configuration, Uri? defaultOmniBaseUrl = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var instances = new RelayInstancesOptions();
        configuration.GetSection("Omni").Bind(instances);
        if (!instances.Instances.Values.Any(i => i.IsRelayed))
        {
            return false;
        }

        services.Configure<RelayOptions>(configuration.GetSection(RelayOptions.Section));
        services.Configure<RelayInstancesOptions>(configuration.GetSection("Omni"));
        if (defaultOmniBaseUrl is not null)
        {
            services.PostConfigure<RelayOptions>(options => options.OmniBaseUrl ??= defaultOmniBaseUrl);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<RelayMetrics>();
        services.AddHttpClient(DiscordRelayService.OmniClient);
        services.AddHttpClient(DiscordRelayService.DiscordClient, client => client.DefaultRequestHeaders.UserAgent.ParseAdd("DiscordBot (https://github.com/omni, 1.0)"));
        services.TryAddSingleton<DiscordRelayService>();
        services.AddHostedService(sp => sp.GetRequiredService<DiscordRelayService>());
        services.AddHealthChecks().AddCheck<RelayHealthCheck>("discord-relay");
        return true;
    }
}
