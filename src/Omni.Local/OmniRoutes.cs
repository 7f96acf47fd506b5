using Omni.Services.Http;

namespace Omni.Local;

/// <summary>The HTTP surface, route for route the same as the Functions app's triggers. Each route only delegates.</summary>
public static class OmniRoutes
{
    public static WebApplication MapOmniRoutes(this WebApplication app)
    {
        var api = app.MapGroup("/api");
        api.MapPost("/webhooks/{provider}/{instance}", (HttpRequest request, string provider, string instance, WebhookEndpoint endpoint, CancellationToken ct) =>
            endpoint.HandleAsync(request, provider, instance, ct));
        api.MapGet("/events", (HttpRequest request, QueryEndpoints endpoints, CancellationToken ct) => endpoints.ListEventsAsync(request, ct));
        api.MapGet("/events/{event_id}", (HttpRequest request, string event_id, EventsEndpoints endpoints, CancellationToken ct) =>
            endpoints.GetAsync(request, event_id, ct));
        api.MapGet("/events/{event_id}/raw", (HttpRequest request, string event_id, EventsEndpoints endpoints, CancellationToken ct) =>
            endpoints.GetRawAsync(request, event_id, ct));
        api.MapGet("/deadletters", (HttpRequest request, EventsEndpoints endpoints, CancellationToken ct) => endpoints.ListDeadLettersAsync(request, ct));
        api.MapPost("/replay", (HttpRequest request, EventsEndpoints endpoints, CancellationToken ct) => endpoints.ReplayAsync(request, ct));
        api.MapIdentityRoutes();
        api.MapWorkflowRoutes();
        api.MapContactListRoutes();
        api.MapGet("/health", (HealthEndpoint endpoint, CancellationToken ct) => endpoint.CheckAsync(ct));
        api.MapGet("/events/{event_id}/trace", (HttpRequest request, string event_id, QueryEndpoints endpoints, CancellationToken ct) =>
            endpoints.TraceAsync(request, event_id, ct));
        api.MapGet("/conversations", (HttpRequest request, QueryEndpoints endpoints, CancellationToken ct) => endpoints.ListConversationsAsync(request, ct));
        api.MapGet("/conversations/{instance}/{conversation_id}/timeline",
            (HttpRequest request, string instance, string conversation_id, QueryEndpoints endpoints, CancellationToken ct) =>
                endpoints.TimelineAsync(request, instance, conversation_id, ct));
        api.MapGet("/catalog", (HttpRequest request, QueryEndpoints endpoints, CancellationToken ct) => endpoints.CatalogAllAsync(request, ct));
        api.MapGet("/catalog/{instance}", (HttpRequest request, string instance, QueryEndpoints endpoints, CancellationToken ct) =>
            endpoints.CatalogAsync(request, instance, ct));
        api.MapGet("/openapi.json", QueryEndpoints.OpenApi);
        return app;
    }
}
