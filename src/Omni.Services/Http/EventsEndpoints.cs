using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Omni.Engine.Json;
using Omni.Services.Configuration;
using Omni.Services.DeadLetters;
using Omni.Services.Events;
using Omni.Services.Ingest;
using Omni.Services.Replay;

namespace Omni.Services.Http;

/// <summary>The read side and replay: events, one event, its raw payload, dead letters. All behind a query key.</summary>
public sealed class EventsEndpoints(
    OmniOptions options, QueryKeyAuthorizer keys, EventStore events, RawArchive archive, DeadLetterStore deadLetters, ReplayService replay)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary><c>GET /api/events/{event_id}</c>.</summary>
    public async Task<IResult> GetAsync(HttpRequest request, string eventId, CancellationToken cancellationToken)
    {
        if (keys.Authorize(request) is { } denied)
        {
            return denied;
        }

        var e = await events.GetAsync(eventId, cancellationToken);
        if (e is null)
        {
            return ApiError.NotFound($"no event '{eventId}'");
        }

        return keys.Authorize(request, e.Instance) ?? Json(e);
    }

    /// <summary><c>GET /api/events/{event_id}/raw</c>: the archived bytes, exactly as received.</summary>
    public async Task<IResult> GetRawAsync(HttpRequest request, string eventId, CancellationToken cancellationToken)
    {
        if (keys.Authorize(request) is { } denied)
        {
            return denied;
        }

        var e = await events.GetAsync(eventId, cancellationToken);
        if (e is null)
        {
            return ApiError.NotFound($"no event '{eventId}'");
        }

        if (keys.Authorize(request, e.Instance) is { } forbidden)
        {
            return forbidden;
        }

        var raw = await archive.GetAsync(e.RawBlob, cancellationToken);
        return raw is null
            ? ApiError.NotFound($"the archived payload {e.RawBlob} no longer exists (retention)")
            : Results.Bytes(raw.Content.ToMemory(), raw.ContentType ?? "application/octet-stream");
    }

    /// <summary><c>GET /api/deadletters?instance=&amp;limit=</c>.</summary>
    public async Task<IResult> ListDeadLettersAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        string? instance = request.Query["instance"];
        if (keys.Authorize(request, string.IsNullOrEmpty(instance) ? null : instance) is { } denied)
        {
            return denied;
        }

        if (!TryParseLimit(request.Query["limit"], out var limit))
        {
            return ApiError.BadRequest($"limit must be a whole number from 1 to {MaxLimit}");
        }

        var records = await deadLetters.ListAsync(string.IsNullOrEmpty(instance) ? null : instance, limit, cancellationToken);
        return Json(new { dead_letters = records });
    }

    /// <summary><c>POST /api/replay {"instance", "from", "to"}</c>: re-drive archived payloads received in [from, to).</summary>
    public async Task<IResult> ReplayAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ReplayRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<ReplayRequest>(request.Body, OmniJson.Options, cancellationToken);
        }
        catch (JsonException e)
        {
            return keys.Authorize(request) ?? ApiError.BadRequest("the body must be JSON: {\"instance\", \"from\", \"to\"}", e.Message);
        }

        if (body is not { Instance.Length: > 0, From: { } from, To: { } to })
        {
            return keys.Authorize(request) ?? ApiError.BadRequest("instance, from and to are required");
        }

        if (keys.Authorize(request, body.Instance) is { } denied)
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

        var count = await replay.ReplayAsync(instance.Provider, body.Instance, from, to, cancellationToken);
        return Json(new { instance = body.Instance, from, to, replayed = count }, StatusCodes.Status202Accepted);
    }

    private static IResult Json(object value, int status = StatusCodes.Status200OK) => Results.Json(value, OmniJson.Options, statusCode: status);

    private static bool TryParseLimit(string? text, out int limit)
    {
        limit = DefaultLimit;
        return string.IsNullOrEmpty(text) ||
               (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit);
    }

    private sealed record ReplayRequest(string? Instance, DateTimeOffset? From, DateTimeOffset? To);
}
