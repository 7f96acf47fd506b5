using Microsoft.AspNetCore.Http;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Services.Http;

namespace Omni.Services.Workflows.Explain;

/// <summary><c>GET /api/events/{event_id}/explain</c>: why Omni did or didn't act on the event (<see cref="EventExplainer"/>).</summary>
public sealed class ExplainEndpoint(EventExplainer explainer)
{
    public async Task<IResult> GetAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var eventId = call.Route("event_id");
        if (EventKey.InstanceOf(eventId) is { } instance && call.Caller.Forbid(instance) is { } forbidden)
        {
            return forbidden;
        }

        var explanation = await explainer.ExplainAsync(eventId, call.Cancellation);
        return explanation is null || !call.Caller.CanRead(explanation.Instance) ? ApiError.NotFound($"no event '{eventId}'") : Results.Json(explanation, OmniJson.Options);
    }
}
