using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Omni.Services.Http;
using Omni.Services.Workflows;

namespace Omni.Functions.Workflows;

/// <summary>
/// The workflow config API: <c>GET /api/workflows</c>, <c>GET/PUT /api/workflows/{id}</c>, <c>POST /api/workflows/validate</c>,
/// <c>GET /api/workflows/schema</c>, <c>GET /api/registry/actions</c>, the audit log: <c>GET /api/events/{event_id}/actions</c>,
/// <c>GET /api/runs/{run_id}</c>, and external events: <c>POST /api/runs/{run_id}/events/{name}</c> (to the run's orchestration).
/// </summary>
/// <remarks>
/// Anonymous: Omni checks its own query keys (see <c>WebhookFunction</c>). The literal routes <c>workflows/schema</c> and
/// <c>workflows/validate</c> take precedence over <c>workflows/{id}</c>, as in Omni.Local.
/// </remarks>
public sealed class WorkflowsFunctions(WorkflowsEndpoints endpoints, WorkflowRunsEndpoints runs)
{
    [Function("ListWorkflows")]
    public Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoints.ListAsync(request, cancellationToken);

    [Function("GetWorkflowSchema")]
    public IResult Schema(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/schema")] HttpRequest request) =>
        endpoints.Schema(request);

    [Function("ValidateWorkflow")]
    public Task<IResult> ValidateAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workflows/validate")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoints.ValidateAsync(request, cancellationToken);

    [Function("GetWorkflow")]
    public Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        endpoints.GetAsync(request, id, cancellationToken);

    [Function("PutWorkflow")]
    public Task<IResult> PutAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "workflows/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        endpoints.PutAsync(request, id, cancellationToken);

    [Function("ListActions")]
    public IResult Actions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "registry/actions")] HttpRequest request) =>
        endpoints.Actions(request);

    [Function("GetEventActions")]
    public Task<IResult> EventActionsAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "events/{eventId}/actions")] HttpRequest request,
        string eventId,
        CancellationToken cancellationToken) =>
        runs.EventActionsAsync(request, eventId, cancellationToken);

    [Function("GetRun")]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "runs/{runId}")] HttpRequest request,
        string runId,
        CancellationToken cancellationToken) =>
        runs.RunAsync(request, runId, cancellationToken);

    [Function("RaiseRunEvent")]
    public Task<IResult> RaiseEventAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "runs/{runId}/events/{name}")] HttpRequest request,
        string runId,
        string name,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        runs.RaiseEventAsync(request, runId, name, new DurableEventRaiser(client), cancellationToken);
}
