using Omni.Services.Catalog;
using Omni.Services.Contacts;
using Omni.Services.Conversations;
using Omni.Services.DeadLetters;
using Omni.Services.Events;
using Omni.Services.Identity;
using Omni.Services.Ingest;
using Omni.Services.Operations;
using Omni.Services.Replay;
using Omni.Services.Traces;
using Omni.Services.Workflows;
using Omni.Services.Workflows.Shadow;
using static Omni.Services.Http.RouteAccess;

namespace Omni.Services.Http;

/// <summary>
/// Omni's HTTP surface, declared once: every route's name, verb, path, who may call it and its handler. Omni.Local maps
/// this table in one loop; each Azure Function in Omni.Functions is named after a route and checked against it (its
/// build's functions.metadata, in tests); the OpenAPI document is generated from it (<see cref="OpenApiDocument"/>).
/// Handlers live in their feature folders.
/// </summary>
public static class ApiRoutes
{
    /// <summary>Every route is below this path segment (host.json's <c>routePrefix</c> in Azure Functions).</summary>
    public const string Prefix = "api";

    public static IReadOnlyList<ApiRoute> All { get; } =
    [
        // Ingest
        ApiRoute.For<WebhookEndpoint>("Webhook", "POST", "webhooks/{provider}/{instance}", Webhook, (e, c) => e.HandleAsync(c)),

        // Events, their raw payloads, traces and actions
        ApiRoute.For<EventsEndpoints>("ListEvents", "GET", "events", InstanceKey, (e, c) => e.ListAsync(c)),
        ApiRoute.For<EventsEndpoints>("GetEvent", "GET", "events/{event_id}", Key, (e, c) => e.GetAsync(c)),
        ApiRoute.For<EventsEndpoints>("GetEventRaw", "GET", "events/{event_id}/raw", Key, (e, c) => e.GetRawAsync(c)),
        ApiRoute.For<TraceEndpoint>("GetEventTrace", "GET", "events/{event_id}/trace", Key, (e, c) => e.GetAsync(c)),
        ApiRoute.For<WorkflowRunsEndpoints>("GetEventActions", "GET", "events/{event_id}/actions", Key, (e, c) => e.EventActionsAsync(c)),
        ApiRoute.For<Workflows.Explain.ExplainEndpoint>("ExplainEvent", "GET", "events/{event_id}/explain", Key, (e, c) => e.GetAsync(c)),

        // Operations: dead letters, replay, health, the contract
        ApiRoute.For<DeadLettersEndpoint>("ListDeadLetters", "GET", "deadletters", InstanceKey, (e, c) => e.ListAsync(c)),
        ApiRoute.For<ReplayEndpoint>("Replay", "POST", "replay", Key, (e, c) => e.ReplayAsync(c)),
        ApiRoute.For<DriftEndpoint>("CheckDrift", "POST", "replay/drift", Key, (e, c) => e.CheckAsync(c)),
        ApiRoute.For<HealthEndpoint>("Health", "GET", "health", Anonymous, (e, c) => e.CheckAsync(c)),
        new("GetOpenApi", "GET", "openapi.json", Anonymous, (_, _) => Task.FromResult(OpenApiDocument.Serve())),

        // Conversations and the catalogue
        ApiRoute.For<ConversationsEndpoints>("ListConversations", "GET", "conversations", InstanceKey, (e, c) => e.ListAsync(c)),
        ApiRoute.For<ConversationsEndpoints>("GetConversationTimeline", "GET", "conversations/{instance}/{conversation_id}/timeline", InstanceKey,
            (e, c) => e.TimelineAsync(c)),
        ApiRoute.For<CatalogEndpoints>("ListCatalog", "GET", "catalog", Key, (e, c) => e.ListAllAsync(c)),
        ApiRoute.For<CatalogEndpoints>("GetCatalog", "GET", "catalog/{instance}", InstanceKey, (e, c) => e.GetAsync(c)),

        // Identities
        ApiRoute.For<IdentitiesEndpoints>("SearchIdentities", "GET", "identities", Key, (e, c) => e.SearchAsync(c)),
        ApiRoute.For<IdentitiesEndpoints>("GetIdentity", "GET", "identities/{identity_id}", Key, (e, c) => e.GetAsync(c)),
        ApiRoute.For<IdentitiesEndpoints>("PatchIdentity", "PATCH", "identities/{identity_id}", UnscopedKey, (e, c) => e.PatchAsync(c)),
        ApiRoute.For<IdentitiesEndpoints>("ListIdentityEvents", "GET", "identities/{identity_id}/events", Key, (e, c) => e.EventsAsync(c)),
        ApiRoute.For<ConversationsEndpoints>("GetIdentityConversations", "GET", "identities/{identity_id}/conversations", Key, (e, c) => e.IdentityAsync(c)),
        ApiRoute.For<IdentitiesEndpoints>("ListIdentityLinks", "GET", "identities/{identity_id}/links", UnscopedKey, (e, c) => e.HistoryAsync(c)),
        ApiRoute.For<IdentitiesEndpoints>("LinkIdentityHandle", "POST", "identities/{identity_id}/handles", UnscopedKey, (e, c) => e.LinkHandleAsync(c)),
        ApiRoute.For<IdentitiesEndpoints>("MergeIdentity", "POST", "identities/{identity_id}/merge", UnscopedKey, (e, c) => e.MergeAsync(c)),
        ApiRoute.For<IdentitiesEndpoints>("UnmergeIdentity", "POST", "identities/{identity_id}/unmerge", UnscopedKey, (e, c) => e.UnmergeAsync(c)),

        // Workflows, the action registry, runs
        ApiRoute.For<WorkflowsEndpoints>("ListWorkflows", "GET", "workflows", Key, (e, c) => e.ListAsync(c)),
        ApiRoute.For<WorkflowsEndpoints>("GetWorkflowSchema", "GET", "workflows/schema", Key, (e, c) => e.SchemaAsync(c)),
        ApiRoute.For<WorkflowsEndpoints>("ValidateWorkflow", "POST", "workflows/validate", Key, (e, c) => e.ValidateAsync(c)),
        ApiRoute.For<WorkflowsEndpoints>("GetWorkflow", "GET", "workflows/{id}", Key, (e, c) => e.GetAsync(c)),
        ApiRoute.For<WorkflowsEndpoints>("PutWorkflow", "PUT", "workflows/{id}", Key, (e, c) => e.PutAsync(c)),
        ApiRoute.For<ShadowEndpoints>("ShadowWorkflow", "POST", "workflows/{id}/shadow", InstanceKey, (e, c) => e.ShadowAsync(c)),
        ApiRoute.For<ShadowEndpoints>("GetShadowJob", "GET", "workflows/{id}/shadow/{job_id}", Key, (e, c) => e.JobAsync(c)),
        ApiRoute.For<RegistryEndpoints>("GetRegistry", "GET", "registry", Key, (e, c) => e.CatalogueAsync(c)),
        ApiRoute.For<WorkflowsEndpoints>("ListActions", "GET", "registry/actions", Key, (e, c) => e.ActionsAsync(c)),
        ApiRoute.For<WorkflowRunsEndpoints>("GetRun", "GET", "runs/{run_id}", Key, (e, c) => e.RunAsync(c)),
        ApiRoute.For<Analytics.AnalyticsEndpoints>("ListAnalytics", "GET", "analytics", InstanceKey, (e, c) => e.ListAsync(c)),
        ApiRoute.For<WorkflowRunsEndpoints>("RaiseRunEvent", "POST", "runs/{run_id}/events/{name}", Key, (e, c) => e.RaiseEventAsync(c)),

        // Agents: natural language in, a cited answer or runs out
        ApiRoute.For<Wish.WishEndpoints>("Wish", "POST", "wish", Key, (e, c) => e.WishAsync(c)),
        ApiRoute.For<Wish.WishEndpoints>("RunWishPlan", "POST", "wish/plan", Key, (e, c) => e.PlanAsync(c)),

        // Stored contact lists
        ApiRoute.For<ContactListsEndpoints>("ListContactList", "GET", "contact-lists/{instance}/{list}", InstanceKey, (e, c) => e.ListAsync(c)),
        ApiRoute.For<ContactListsEndpoints>("PutContactListEntry", "PUT", "contact-lists/{instance}/{list}/{entry}", InstanceKey, (e, c) => e.PutAsync(c)),
        ApiRoute.For<ContactListsEndpoints>("DeleteContactListEntry", "DELETE", "contact-lists/{instance}/{list}/{entry}", InstanceKey,
            (e, c) => e.DeleteAsync(c)),
    ];

    private static readonly Dictionary<string, ApiRoute> ByName = All.ToDictionary(r => r.Name, StringComparer.Ordinal);

    public static ApiRoute Named(string name) =>
        ByName.TryGetValue(name, out var route) ? route : throw new ArgumentException($"no route named '{name}'", nameof(name));
}
