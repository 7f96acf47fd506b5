using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Omni.Engine.Normalization;
using Omni.Services.Connections;
using Omni.Services.Catalog;
using Omni.Services.Configuration;
using Omni.Services.Contacts;
using Omni.Services.Conversations;
using Omni.Services.DeadLetters;
using Omni.Services.Events;
using Omni.Services.Http;
using Omni.Services.Identity;
using Omni.Services.Ingest;
using Omni.Services.Normalize;
using Omni.Services.Operations;
using Omni.Services.Reconcile;
using Omni.Services.Replay;
using Omni.Services.Retention;
using Omni.Services.Storage;
using Omni.Services.Traces;
using Omni.Services.Workflows;

namespace Omni.Services;

public static class ServiceCollectionExtensions
{
    /// <summary>Everything both hosts share: options, storage clients, the pipeline services and the HTTP handlers.</summary>
    public static IServiceCollection AddOmni(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(OmniOptions.Section).Get<OmniOptions>() ?? new OmniOptions();
        foreach (var name in options.Instances.Keys.Where(n => !Omni.Engine.Events.EventKey.IsValidInstanceName(n)))
        {
            throw new InvalidOperationException(
                $"Omni:Instances:{name}: instance names may use letters, digits, '-' and '_' (at most 63, starting with a letter or digit).");
        }

        Omni.Services.Connections.Webhook.WebhookInstanceNormalizer.ThrowIfInvalid(options);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StorageOperationCounter>();
        services.AddSingleton(sp => new OmniStorage(options.Storage, sp.GetRequiredService<StorageOperationCounter>()));

        services.AddOmniConnections();
        services.AddSingleton<NormalizerRegistry>();
        services.AddSingleton<RawArchive>();
        services.TryAddSingleton<IngestService>();
        services.AddSingleton<EventStore>();
        services.AddSingleton<DeadLetterStore>();
        services.AddSingleton<NormalizeProcessor>();
        services.AddSingleton<IngestQueueHandler>();
        services.AddSingleton<ReplayService>();
        services.AddSingleton<DriftService>();
        services.AddSingleton<IngestMarkers>();
        services.AddSingleton<ReconcileSweep>();
        services.TryAddSingleton<WorkflowRunStore>();
        services.AddSingleton<RetentionCleanup>();
        services.AddOmniIdentity(options);

        // The HTTP surface (ApiRoutes): the dispatcher both hosts call, and each feature's handlers.
        services.AddSingleton<QueryKeyAuthorizer>();
        services.AddSingleton<ApiDispatcher>();
        services.AddSingleton<WebhookEndpoint>();
        services.AddSingleton<EventsEndpoints>();
        services.AddSingleton<DeadLettersEndpoint>();
        services.AddSingleton<ReplayEndpoint>();
        services.AddSingleton<DriftEndpoint>();
        services.AddSingleton<IdentitiesEndpoints>();
        services.AddSingleton<ContactListsEndpoints>();

        services.AddSingleton<NormalizerHeartbeat>();
        services.AddSingleton<HealthService>();
        services.AddSingleton<HealthEndpoint>();

        services.AddOmniQueries();
        services.AddOmniWorkflows(configuration);
        services.AddOmniAgents(configuration);
        return services;
    }

    /// <summary>Agents' way in: the tools (MCP server, wish), explicit workflow starts, wish.</summary>
    private static IServiceCollection AddOmniAgents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<AgentTools.AgentToolCatalog>();
        services.AddSingleton<AgentTools.AgentToolbox>();
        services.AddSingleton<Workflows.WorkflowStarts>();
        services.AddSingleton(configuration.GetSection(Wish.WishOptions.Section).Get<Wish.WishOptions>() ?? new Wish.WishOptions());
        services.AddSingleton<Wish.WishService>();
        services.AddSingleton<Wish.WishEndpoints>();
        return services;
    }

    /// <summary>The read side for agents: event queries, conversations, catalogue, traces, and the rows the normalizer keeps for them.</summary>
    private static IServiceCollection AddOmniQueries(this IServiceCollection services)
    {
        services.AddSingleton<AggregateRows>();
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<CatalogStore>();
        // Applied, in this order, in each new event's transaction (see EventStore.TryAddAsync).
        services.AddSingleton<IEventAggregate>(sp => sp.GetRequiredService<ConversationStore>());
        services.AddSingleton<IEventAggregate>(sp => sp.GetRequiredService<CatalogStore>());
        services.TryAddSingleton<IWorkflowTriggerIndex, NoWorkflowTriggers>();
        services.TryAddSingleton<IWorkflowRunLog, NoWorkflowRuns>();
        services.AddSingleton<EventQueryService>();
        services.AddSingleton<TraceService>();
        services.AddSingleton<ConversationQueryService>();
        services.AddSingleton<ConversationsEndpoints>();
        services.AddSingleton<Analytics.AnalyticsEndpoints>();
        services.AddSingleton<CatalogEndpoints>();
        services.AddSingleton<TraceEndpoint>();

        return services;
    }
}
