using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Http;

namespace Omni.Functions.Operations;

/// <summary>Operations: dead letters, replay, health and the OpenAPI document. Each function is a route of <see cref="ApiRoutes"/> (same name, verb and template), run by <see cref="ApiDispatcher"/>.</summary>
public sealed class OperationsFunctions(ApiDispatcher api)
{
    [Function("ListDeadLetters")]
    public Task<IResult> ListDeadLetters([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "deadletters")] HttpRequest request) =>
        api.InvokeAsync("ListDeadLetters", request);

    [Function("Replay")]
    public Task<IResult> Replay([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "replay")] HttpRequest request) =>
        api.InvokeAsync("Replay", request);

    [Function("CheckDrift")]
    public Task<IResult> CheckDrift([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "replay/drift")] HttpRequest request) =>
        api.InvokeAsync("CheckDrift", request);

    [Function("Health")]
    public Task<IResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) =>
        api.InvokeAsync("Health", request);

    [Function("GetOpenApi")]
    public Task<IResult> GetOpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        api.InvokeAsync("GetOpenApi", request);
}
