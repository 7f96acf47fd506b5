using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Http;

namespace Omni.Functions.Query;

/// <summary><c>GET /api/events/{event_id}/trace</c>: ingest → normalize → workflow runs of one event.</summary>
/// <remarks>Anonymous: Omni checks its own query keys (see <c>WebhookFunction</c>). <c>{eventId}</c>: see <c>EventsFunctions</c>.</remarks>
public sealed class TraceFunction(QueryEndpoints endpoints)
{
    [Function("GetEventTrace")]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "events/{eventId}/trace")] HttpRequest request,
        string eventId,
        CancellationToken cancellationToken) =>
        endpoints.TraceAsync(request, eventId, cancellationToken);
}
