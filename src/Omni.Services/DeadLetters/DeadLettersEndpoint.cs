using Microsoft.AspNetCore.Http;
using Omni.Engine.Json;
using Omni.Services.Configuration;
using Omni.Services.Events;
using Omni.Services.Http;

namespace Omni.Services.DeadLetters;

/// <summary>
/// <c>GET /api/deadletters?instance=&amp;limit=</c>: what could not be normalized, newest first per instance. A key scoped to
/// some instances sees only theirs (with or without <c>instance</c>); the payloads that belong to no instance
/// (<see cref="DeadLetterStore.NoInstance"/>) only an unscoped key sees.
/// </summary>
public sealed class DeadLettersEndpoint(OmniOptions options, DeadLetterStore deadLetters)
{
    public async Task<IResult> ListAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        string? instance = call.Request.Query["instance"];
        if (!EventsEndpoints.TryParseLimit(call.Request.Query["limit"], out var limit))
        {
            return ApiError.BadRequest($"limit must be a whole number from 1 to {EventsEndpoints.MaxLimit}");
        }

        if (!string.IsNullOrEmpty(instance) || call.Caller.IsUnscoped)
        {
            var records = await deadLetters.ListAsync(string.IsNullOrEmpty(instance) ? null : instance, limit, call.Cancellation);
            return Json(records);
        }

        var readable = call.Caller.Readable(options.Instances.Keys);
        var lists = await Task.WhenAll(readable.Select(i => deadLetters.ListAsync(i, limit, call.Cancellation)));
        return Json([.. lists.SelectMany(l => l).OrderByDescending(d => d.ReceivedAt ?? d.RecordedAt).Take(limit)]);
    }

    private static IResult Json(IReadOnlyList<DeadLetter> records) => Results.Json(new { dead_letters = records }, OmniJson.Options);
}
