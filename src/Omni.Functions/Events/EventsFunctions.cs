using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Http;

namespace Omni.Functions.Events;

/// <summary>Events: the filtered list, one event, its raw payload, its trace and the workflow runs it started. Each function is a route of <see cref="ApiRoutes"/> (same name, verb and template), run by <see cref="ApiDispatcher"/>.</summary>
public sealed class EventsFunctions(ApiDispatcher api)
{
    [Function("ListEvents")]
    public Task<IResult> ListEvents([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "events")] HttpRequest request) =>
        api.InvokeAsync("ListEvents", request);

    [Function("GetEvent")]
    public Task<IResult> GetEvent([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "events/{event_id}")] HttpRequest request) =>
        api.InvokeAsync("GetEvent", request);

    [Function("GetEventRaw")]
    public Task<IResult> GetEventRaw([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "events/{event_id}/raw")] HttpRequest request) =>
        api.InvokeAsync("GetEventRaw", request);

    [Function("GetEventTrace")]
    public Task<IResult> GetEventTrace([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "events/{event_id}/trace")] HttpRequest request) =>
        api.InvokeAsync("GetEventTrace", request);

    [Function("GetEventActions")]
    public Task<IResult> GetEventActions([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "events/{event_id}/actions")] HttpRequest request) =>
        api.InvokeAsync("GetEventActions", request);

    [Function("ExplainEvent")]
    public Task<IResult> ExplainEvent([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "events/{event_id}/explain")] HttpRequest request) =>
        api.InvokeAsync("ExplainEvent", request);
}
