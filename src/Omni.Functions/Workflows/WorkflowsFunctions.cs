using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Omni.Services.Http;
using Omni.Services.Workflows;

namespace Omni.Functions.Workflows;

/// <summary>
/// Workflows, the action registry and runs. Each function is a route of <see cref="ApiRoutes"/> (same name, verb and
/// template), run by <see cref="ApiDispatcher"/>. The literal routes <c>workflows/schema</c> and <c>workflows/validate</c>
/// take precedence over <c>workflows/{id}</c>, as in Omni.Local.
/// </summary>
public sealed class WorkflowsFunctions(ApiDispatcher api)
{
    [Function("ListWorkflows")]
    public Task<IResult> ListWorkflows([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows")] HttpRequest request) =>
        api.InvokeAsync("ListWorkflows", request);

    [Function("GetWorkflowSchema")]
    public Task<IResult> GetWorkflowSchema([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/schema")] HttpRequest request) =>
        api.InvokeAsync("GetWorkflowSchema", request);

    [Function("ValidateWorkflow")]
    public Task<IResult> ValidateWorkflow([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workflows/validate")] HttpRequest request) =>
        api.InvokeAsync("ValidateWorkflow", request);

    [Function("GetWorkflow")]
    public Task<IResult> GetWorkflow([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/{id}")] HttpRequest request) =>
        api.InvokeAsync("GetWorkflow", request);

    [Function("PutWorkflow")]
    public Task<IResult> PutWorkflow([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "workflows/{id}")] HttpRequest request) =>
        api.InvokeAsync("PutWorkflow", request);

    [Function("ShadowWorkflow")]
    public Task<IResult> ShadowWorkflow([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workflows/{id}/shadow")] HttpRequest request) =>
        api.InvokeAsync("ShadowWorkflow", request);

    [Function("GetShadowJob")]
    public Task<IResult> GetShadowJob([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/{id}/shadow/{job_id}")] HttpRequest request) =>
        api.InvokeAsync("GetShadowJob", request);

    [Function("GetRegistry")]
    public Task<IResult> GetRegistry([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "registry")] HttpRequest request) =>
        api.InvokeAsync("GetRegistry", request);

    [Function("ListActions")]
    public Task<IResult> ListActions([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "registry/actions")] HttpRequest request) =>
        api.InvokeAsync("ListActions", request);

    [Function("GetRun")]
    public Task<IResult> GetRun([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "runs/{run_id}")] HttpRequest request) =>
        api.InvokeAsync("GetRun", request);

    /// <summary>Delivers the event to the run's orchestration (instance id = run id) through the Durable client.</summary>
    [Function("RaiseRunEvent")]
    public Task<IResult> RaiseRunEvent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "runs/{run_id}/events/{name}")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.Features.Set<IWorkflowEventRaiser>(new DurableEventRaiser(client));
        return api.InvokeAsync("RaiseRunEvent", request);
    }
}
