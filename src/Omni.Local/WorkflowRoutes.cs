using Omni.Services.Http;
using Omni.Services.Workflows;

namespace Omni.Local;

/// <summary>The workflow config API's routes, the same as the Functions app's <c>WorkflowsFunctions</c>. Each only delegates.</summary>
public static class WorkflowRoutes
{
    public static IEndpointRouteBuilder MapWorkflowRoutes(this IEndpointRouteBuilder api)
    {
        api.MapGet("/workflows", (HttpRequest request, WorkflowsEndpoints endpoints, CancellationToken ct) => endpoints.ListAsync(request, ct));
        api.MapGet("/workflows/schema", (HttpRequest request, WorkflowsEndpoints endpoints) => endpoints.Schema(request));
        api.MapPost("/workflows/validate", (HttpRequest request, WorkflowsEndpoints endpoints, CancellationToken ct) => endpoints.ValidateAsync(request, ct));
        api.MapGet("/workflows/{id}", (HttpRequest request, string id, WorkflowsEndpoints endpoints, CancellationToken ct) => endpoints.GetAsync(request, id, ct));
        api.MapPut("/workflows/{id}", (HttpRequest request, string id, WorkflowsEndpoints endpoints, CancellationToken ct) => endpoints.PutAsync(request, id, ct));
        api.MapGet("/registry/actions", (HttpRequest request, WorkflowsEndpoints endpoints) => endpoints.Actions(request));
        api.MapGet("/events/{event_id}/actions", (HttpRequest request, string event_id, WorkflowRunsEndpoints endpoints, CancellationToken ct) =>
            endpoints.EventActionsAsync(request, event_id, ct));
        api.MapGet("/runs/{run_id}", (HttpRequest request, string run_id, WorkflowRunsEndpoints endpoints, CancellationToken ct) =>
            endpoints.RunAsync(request, run_id, ct));
        api.MapPost("/runs/{run_id}/events/{name}", (HttpRequest request, string run_id, string name, WorkflowRunsEndpoints endpoints, WorkflowRunner runner, CancellationToken ct) =>
            endpoints.RaiseEventAsync(request, run_id, name, runner, ct));
        return api;
    }
}
