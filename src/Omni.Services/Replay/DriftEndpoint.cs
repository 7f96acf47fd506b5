using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Omni.Engine.Json;
using Omni.Engine.Workflows;
using Omni.Services.Configuration;
using Omni.Services.Http;

namespace Omni.Services.Replay;

/// <summary>
/// <c>POST /api/replay/drift {"instance", "since" | "from", "to"}</c>: how the current normalizer's events differ from the
/// stored ones for the payloads archived in the window (<see cref="DriftService"/>). Reads only.
/// </summary>
public sealed class DriftEndpoint(OmniOptions options, DriftService drift, TimeProvider time)
{
    public async Task<IResult> CheckAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        DriftRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<DriftRequest>(call.Request.Body, OmniJson.Options, call.Cancellation);
        }
        catch (JsonException e)
        {
            return ApiError.BadRequest("the body must be JSON: {\"instance\", \"since\"} or {\"instance\", \"from\", \"to\"}", e.Message);
        }

        if (body is not { Instance.Length: > 0 })
        {
            return ApiError.BadRequest("instance is required");
        }

        if (call.Caller.Forbid(body.Instance) is { } denied)
        {
            return denied;
        }

        if (!options.Instances.TryGetValue(body.Instance, out var instance))
        {
            return ApiError.NotFound($"no instance named '{body.Instance}' is configured");
        }

        var now = time.GetUtcNow();
        DateTimeOffset from;
        if (body.Since is { } since)
        {
            if (body.From is not null)
            {
                return ApiError.BadRequest("give since or from, not both");
            }

            if (ParseSince(since, now) is not { } start)
            {
                return ApiError.BadRequest($"since must be a duration back from now (24h, 7d) or an ISO-8601 time, not '{since}'");
            }

            from = start;
        }
        else if (body.From is { } start)
        {
            from = start;
        }
        else
        {
            return ApiError.BadRequest("since (e.g. 7d) or from is required");
        }

        var to = body.To ?? now;
        if (to <= from || to - from > ReplayService.MaxWindow)
        {
            return ApiError.BadRequest($"the window must end after it starts and span at most {ReplayService.MaxWindow.TotalDays} days");
        }

        var report = await drift.CheckAsync(instance.Provider, body.Instance, from, to, call.Cancellation);
        return Results.Json(report, OmniJson.Options);
    }

    /// <summary><c>7d</c>, <c>24h</c>, <c>1h30m</c> back from <paramref name="now"/>, or an ISO-8601 time; null when neither.</summary>
    public static DateTimeOffset? ParseSince(string text, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (WorkflowDuration.TryParse(text.Trim(), out var ago))
        {
            return now - ago;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
    }

    private sealed record DriftRequest(string? Instance, string? Since, DateTimeOffset? From, DateTimeOffset? To);
}
