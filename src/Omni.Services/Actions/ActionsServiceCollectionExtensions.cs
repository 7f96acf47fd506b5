using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Omni.Services.Actions.Agents;
using Omni.Services.Actions.Guards;
using Omni.Services.Actions.Meta;
using Omni.Services.Actions.Persist;
using Omni.Services.Analytics;
using Omni.Services.Conversations;
using Omni.Services.Events;
using Omni.Services.Identity;
using Omni.Services.Actions.Http;
using Omni.Services.Connections;
using Omni.Services.Actions.Notify;
using Omni.Services.Actions.Safety;
using Omni.Services.Actions.Speech;
using Omni.Services.Actions.Text;
using Omni.Services.Actions.Vision;
using Omni.Services.Configuration;
using Omni.Services.Contacts;
using Omni.Services.Ingest;
using Omni.Services.Storage;
using Omni.Services.Workflows;

namespace Omni.Services.Actions;

public static class ActionsServiceCollectionExtensions
{
    /// <summary>
    /// The action executors, the provider chain runner, the effect-once ledger and their HTTP clients. Reuses the
    /// <see cref="OmniOptions"/>, <see cref="OmniStorage"/> and <see cref="TimeProvider"/> that <c>AddOmni</c> registers,
    /// or registers its own from <paramref name="configuration"/> when called alone.
    /// </summary>
    public static IServiceCollection AddOmniActions(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(OmniOptions.Section).Get<OmniOptions>() ?? new OmniOptions();
        services.TryAddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new OmniStorage(sp.GetRequiredService<OmniOptions>().Storage));

        // One named client per provider: separate pools, no client-wide timeout (each request has its provider's own).
        var names = new HashSet<string>(StringComparer.Ordinal) { ActionHttpClients.Evolution, ActionHttpClients.Media };
        foreach (var provider in options.Providers.Keys.Concat(["groq", "openai", "assemblyai", "mistral"]))
        {
            names.Add(ActionHttpClients.ForProvider(provider));
        }

        foreach (var agent in options.Agents.Keys)
        {
            names.Add(ActionHttpClients.ForAgent(agent));
        }

        foreach (var name in names)
        {
            services.AddHttpClient(name, client => client.Timeout = Timeout.InfiniteTimeSpan)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
                {
                    ConnectTimeout = TimeSpan.FromSeconds(10),
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    AutomaticDecompression = DecompressionMethods.All,
                });
        }

        // Notifications go to URLs that workflows name: never follow a redirect somewhere else.
        services.AddHttpClient(ActionHttpClients.Notify, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AllowAutoRedirect = false,
            });

        services.TryAddSingleton<ActionDelays>();
        services.TryAddSingleton(new EffectOnceOptions());
        services.TryAddSingleton<EffectLedger>();
        services.TryAddSingleton<ProviderChainRunner>();
        services.TryAddSingleton<RawArchive>();
        services.TryAddSingleton<MediaFetcher>();
        services.TryAddSingleton<WebhookNotifier>();
        services.TryAddSingleton<ContactListStore>();
        services.TryAddSingleton<GuardsTable>();
        services.TryAddSingleton<ActionExecutorRegistry>();

        // What the persist and meta actions write: conversation summaries and tags, event and identity tags, analytics.
        services.TryAddSingleton<EventStore>();
        services.TryAddSingleton<ConversationNotesStore>();
        services.TryAddSingleton<IdentityTags>();
        services.TryAddSingleton<AnalyticsStore>();
        services.TryAddSingleton<WorkflowRunStore>();

        services.AddOmniConnections(); // the senders route.reply dispatches to, one per provider
        services.TryAddSingleton<ChannelSenders>();
        services.AddSingleton<IActionExecutor, RouteReplyExecutor>();
        services.AddSingleton<IActionExecutor, ForwardCrossChannelExecutor>();
        services.AddSingleton<IActionExecutor, AgentChatExecutor>();
        services.AddSingleton<IActionExecutor, SpeechToTextExecutor>();
        services.AddSingleton<IActionExecutor, DescribeImageExecutor>();
        services.AddSingleton<IActionExecutor, DescribeVideoExecutor>();
        services.AddSingleton<IActionExecutor, TranslateExecutor>();
        services.AddSingleton<IActionExecutor, SafetyExecutor>();
        services.AddSingleton<IActionExecutor, SmartDecisionExecutor>();
        services.AddSingleton<IActionExecutor, NotifyWebhookExecutor>();
        services.AddSingleton<IActionExecutor, EscalateHumanExecutor>();
        services.AddSingleton<IActionExecutor, SelfRouteGuard>();
        services.AddSingleton<IActionExecutor, RateLimitGuard>();
        services.AddSingleton<IActionExecutor, AllowlistGuard>();
        services.AddSingleton<IActionExecutor, DenylistGuard>();
        services.AddSingleton<IActionExecutor, BlocklistGuard>();
        services.AddSingleton<IActionExecutor, ContactOverrideGuard>();
        services.AddSingleton<IActionExecutor, DebounceGuard>();
        services.AddSingleton<IActionExecutor, PersistSummaryExecutor>();
        services.AddSingleton<IActionExecutor, PersistTaggingExecutor>();
        services.AddSingleton<IActionExecutor, AnalyticsLogExecutor>();
        return services;
    }
}
