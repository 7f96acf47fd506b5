using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Http;

namespace Omni.Functions.Query;

/// <summary>The read side: <c>GET /api/events</c> (filtered, paged), <c>/api/events/{event_id}</c> and <c>/api/events/{event_id}/raw</c>.</summary>
/// <remarks>
/// Anonymous: Omni checks its own query keys (see <c>WebhookFunction</c>). The route variable is spelled
/// <c>{eventId}</c> after the C# parameter it binds to; it matches exactly the URLs Omni.Local's <c>{event_id}</c> does.
/// </remarks>
public sealed class EventsFunctions(EventsEndpoints endpoints, QueryEndpoints queries)
{
    [Function("ListEvents")]
    public Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "events")] HttpRequest request,
        CancellationToken cancellationToken) =>
        queries.ListEventsAsync(request, cancellationToken);

    [Function("GetEvent")]
    public Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "events/{eventId}")] HttpRequest request,
        string eventId,
        CancellationToken cancellationToken) =>
        endpoints.GetAsync(request, eventId, cancellationToken);

    [Function("GetEventRaw")]
    public Task<IResult> GetRawAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "events/{eventId}/raw")] HttpRequest request,
        string eventId,
        CancellationToken cancellationToken) =>
        endpoints.GetRawAsync(request, eventId, cancellationToken);
}
