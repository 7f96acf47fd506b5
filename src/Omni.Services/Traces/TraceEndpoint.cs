using Microsoft.AspNetCore.Http;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Services.Http;

namespace Omni.Services.Traces;

/// <summary><c>GET /api/events/{event_id}/trace</c>: ingest → normalize → each workflow step of one event, with timings and outcomes.</summary>
public sealed class TraceEndpoint(TraceService traces)
{
    public async Task<IResult> GetAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var eventId = call.Route("event_id");
        if (EventKey.InstanceOf(eventId) is { } instance && call.Caller.Forbid(instance) is { } forbidden)
        {
            return forbidden;
        }

        var trace = await traces.GetAsync(eventId, call.Cancellation);
        return trace is null ? ApiError.NotFound($"no event '{eventId}'") : Results.Json(trace, OmniJson.Options);
    }
}
