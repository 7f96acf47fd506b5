using Microsoft.Extensions.DependencyInjection;
using Omni.Services.Configuration;

namespace Omni.Services.Identity;

public static class IdentityServiceCollectionExtensions
{
    /// <summary>The identity registry: its store, the ingest-time resolver with its cache, the use cases and the timeline.</summary>
    public static IServiceCollection AddOmniIdentity(this IServiceCollection services, OmniOptions options)
    {
        services.AddSingleton(options.Identity);
        services.AddSingleton<IdentityStore>();
        services.AddSingleton<IdentityCache>();
        services.AddSingleton<IdentityWriter>();
        services.AddSingleton<IdentityResolver>();
        services.AddSingleton<IdentityService>();
        services.AddSingleton<IdentityTimeline>();
        services.AddSingleton<PreferredChannels>();
        return services;
    }
}
