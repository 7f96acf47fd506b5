using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Omni.Engine.Json;
using Omni.Services.Configuration;
using Omni.Services.Http;

namespace Omni.Services.Replay;

/// <summary><c>POST /api/replay {"instance", "from", "to"}</c>: re-drive archived payloads received in [from, to) through the normalizer.</summary>
public sealed class ReplayEndpoint(OmniOptions options, ReplayService replay)
{
    public async Task<IResult> ReplayAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        ReplayRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<ReplayRequest>(call.Request.Body, OmniJson.Options, call.Cancellation);
        }
        catch (JsonException e)
        {
            return ApiError.BadRequest("the body must be JSON: {\"instance\", \"from\", \"to\"}", e.Message);
        }

        if (body is not { Instance.Length: > 0, From: { } from, To: { } to })
        {
            return ApiError.BadRequest("instance, from and to are required");
        }

        if (call.Caller.Forbid(body.Instance) is { } denied)
        {
            return denied;
        }

        if (!options.Instances.TryGetValue(body.Instance, out var instance))
        {
            return ApiError.NotFound($"no instance named '{body.Instance}' is configured");
        }

        if (to <= from || to - from > ReplayService.MaxWindow)
        {
            return ApiError.BadRequest($"to must be after from, and the window at most {ReplayService.MaxWindow.TotalDays} days");
        }

        var count = await replay.ReplayAsync(instance.Provider, body.Instance, from, to, call.Cancellation);
        return Results.Json(new { instance = body.Instance, from, to, replayed = count }, OmniJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    private sealed record ReplayRequest(string? Instance, DateTimeOffset? From, DateTimeOffset? To);
}
