using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Omni.Engine.Events;
using Omni.Engine.Identity;
using Omni.Engine.Json;
using Omni.Services.Configuration;
using Omni.Services.Events;
using Omni.Services.Http;

namespace Omni.Services.Identity;

/// <summary>
/// The identity registry's API: search, get, link a handle, merge, unmerge, an identity's timeline, edit. Reading needs a
/// query key; a key scoped to instances sees an identity only through the handles seen on its instances, only those
/// handles, and only its instances' events (<see cref="IdentityScope"/>). The link history and every change need an
/// unscoped key (<see cref="RouteAccess.UnscopedKey"/>). Unknown identities answer 404, refused changes 409 with the reason, malformed bodies 400.
/// </summary>
public sealed class IdentitiesEndpoints(OmniOptions options, IdentityService identities, IdentityTimeline timeline, IdentityTags tags, PreferredChannels preferred)
{
    private const int MaxBodyBytes = 64 * 1024;
    private const string Actor = "api";
    private static readonly string[] KnownChannels = [Channels.WhatsApp, Channels.Discord, Channels.Telegram, Channels.Slack, Channels.Webhook];

    /// <summary>
    /// <c>GET /api/identities?q=&amp;tag=&amp;limit=</c>. <c>tag</c>: the identities workflows tagged (<c>persist.tagging</c>)
    /// on the instances the key may read, by identity id; with <c>q</c> too, those of them that <c>q</c> finds.
    /// </summary>
    public async Task<IResult> SearchAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (request, cancellationToken) = (call.Request, call.Cancellation);

        if (!TryParseLimit(request.Query["limit"], out var limit))
        {
            return ApiError.BadRequest($"limit must be a whole number from 1 to {EventsEndpoints.MaxLimit}");
        }

        string? q = request.Query["q"];
        if (q is { Length: > 200 })
        {
            return ApiError.BadRequest("q must be at most 200 characters");
        }

        string? tagText = request.Query["tag"];
        var tag = string.IsNullOrEmpty(tagText) ? null : Tags.Normalize(tagText);
        if (!string.IsNullOrEmpty(tagText) && tag is null)
        {
            return ApiError.BadRequest($"tag must be {Tags.Rule}");
        }

        // A scoped key sees only the identities (and handles) seen on its instances: it may get fewer than limit.
        var found = tag is null ? await identities.SearchAsync(q, limit, cancellationToken) : await TaggedAsync(call.Caller, tag, q, limit, cancellationToken);
        var visible = found.Select(i => IdentityScope.View(call.Caller, i)).OfType<IdentityView>();
        return Json(new { identities = await preferred.ResolveAllAsync(visible, call.Caller.Readable(options.Instances.Keys), cancellationToken) });
    }

    private async Task<IReadOnlyList<IdentityView>> TaggedAsync(Caller caller, string tag, string? q, int limit, CancellationToken cancellationToken)
    {
        var ids = await tags.ListAsync(caller.Readable(options.Instances.Keys), tag, cancellationToken);
        var matching = string.IsNullOrWhiteSpace(q)
            ? null
            : (await identities.SearchAsync(q, EventsEndpoints.MaxLimit, cancellationToken)).Select(i => i.IdentityId).ToHashSet(StringComparer.Ordinal);
        var found = new List<IdentityView>();
        foreach (var id in ids.Where(id => matching is null || matching.Contains(id)))
        {
            if (await identities.GetAsync(id, cancellationToken) is { } identity)
            {
                found.Add(identity);
                if (found.Count == limit)
                {
                    break;
                }
            }
        }

        return found;
    }

    /// <summary><c>GET /api/identities/{identity_id}</c>.</summary>
    public async Task<IResult> GetAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (request, identityId, cancellationToken) = (call.Request, call.Route("identity_id"), call.Cancellation);

        // Not visible to this key is the same answer as unknown: a scoped key learns nothing of other instances' people.
        return await VisibleAsync(call.Caller, identityId, cancellationToken) is { } identity
            ? Json(await preferred.ResolveAsync(identity, call.Caller.Readable(options.Instances.Keys), cancellationToken))
            : NotFound(identityId);
    }

    /// <summary><c>GET /api/identities/{identity_id}/links</c>: the identity's history of links, merges and unmerges, oldest first.</summary>
    public async Task<IResult> HistoryAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (request, identityId, cancellationToken) = (call.Request, call.Route("identity_id"), call.Cancellation);

        if (await identities.GetAsync(identityId, cancellationToken) is null)
        {
            return NotFound(identityId);
        }

        return Json(new { links = await identities.HistoryAsync(identityId, EventsEndpoints.MaxLimit, cancellationToken) });
    }

    /// <summary><c>POST /api/identities/{identity_id}/handles {"channel", "handle", "instance"?, "is_primary"?}</c>.</summary>
    public async Task<IResult> LinkHandleAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (request, identityId, cancellationToken) = (call.Request, call.Route("identity_id"), call.Cancellation);

        var (body, error) = await ReadObjectAsync(request, ["channel", "handle", "instance", "is_primary"], cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var channel = Str(body, "channel");
        var handleText = Str(body, "handle");
        var instance = Str(body, "instance");
        if (channel is null || !KnownChannels.Contains(channel))
        {
            return ApiError.BadRequest($"channel is required, one of {string.Join(", ", KnownChannels)}");
        }

        if (HandleRules.Normalize(channel, handleText) is not { } handle || !HandleRules.IsPersonHandle(channel, handle))
        {
            return ApiError.BadRequest($"handle is required and must be a {channel} address of a person (e.g. a JID or phone number for whatsapp)");
        }

        if (HandleRules.IsInstanceScoped(channel) != (instance is not null))
        {
            return ApiError.BadRequest(HandleRules.IsInstanceScoped(channel)
                ? $"{channel} ids are unique only within one connection: instance is required"
                : $"{channel} handles are the same on every instance: leave instance out");
        }

        if (instance is not null && !options.Instances.ContainsKey(instance))
        {
            return ApiError.BadRequest($"no instance named '{instance}' is configured");
        }

        if (!TryBool(body, "is_primary", out var isPrimary))
        {
            return ApiError.BadRequest("is_primary must be true or false");
        }

        return await Guard(async () => await identities.LinkAsync(identityId, new HandleKey(channel, handle, instance), isPrimary, Actor, cancellationToken)
            is { } linked ? Json(new { link = linked.Link, identity = linked.Identity }) : NotFound(identityId));
    }

    /// <summary><c>POST /api/identities/{identity_id}/merge {"from_identity_id"}</c>.</summary>
    public async Task<IResult> MergeAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (request, identityId, cancellationToken) = (call.Request, call.Route("identity_id"), call.Cancellation);

        var (body, error) = await ReadObjectAsync(request, ["from_identity_id"], cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (Str(body, "from_identity_id") is not { } fromId)
        {
            return ApiError.BadRequest("from_identity_id is required");
        }

        return await Guard(async () =>
        {
            var merged = await identities.MergeAsync(identityId, fromId, Actor, cancellationToken);
            return Json(new { merge_id = merged.Merge.LinkId, merge = merged.Merge, identity = merged.Identity, from_identity = merged.FromIdentity });
        });
    }

    /// <summary><c>POST /api/identities/{identity_id}/unmerge {"merge_id"}</c>.</summary>
    public async Task<IResult> UnmergeAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (request, identityId, cancellationToken) = (call.Request, call.Route("identity_id"), call.Cancellation);

        var (body, error) = await ReadObjectAsync(request, ["merge_id"], cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (Str(body, "merge_id") is not { } mergeId)
        {
            return ApiError.BadRequest("merge_id is required");
        }

        return await Guard(async () =>
        {
            var undone = await identities.UnmergeAsync(identityId, mergeId, Actor, cancellationToken);
            return Json(new
            {
                merge_id = mergeId,
                unmerge = undone.Unmerge,
                skipped = undone.Skipped.Select(s => new { channel = s.Key.Channel, handle = s.Key.Handle, instance = s.Key.Instance, reason = s.Reason }),
                identity = undone.Identity,
                restored_identity = undone.RestoredIdentity,
            });
        });
    }

    /// <summary><c>PATCH /api/identities/{identity_id} {"display_name"?, "preferred_channel"?, "entity_type"?}</c>.</summary>
    public async Task<IResult> PatchAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (request, identityId, cancellationToken) = (call.Request, call.Route("identity_id"), call.Cancellation);

        var (body, error) = await ReadObjectAsync(request, ["display_name", "preferred_channel", "entity_type"], cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var displayName = Str(body, "display_name")?.Trim();
        var preferredChannel = Str(body, "preferred_channel");
        var entityType = Str(body, "entity_type");
        if (displayName is null && preferredChannel is null && entityType is null)
        {
            return ApiError.BadRequest("send at least one of display_name, preferred_channel, entity_type (as strings)");
        }

        if (displayName is { Length: 0 or > 200 })
        {
            return ApiError.BadRequest("display_name must be 1 to 200 characters");
        }

        if (preferredChannel is not null && preferredChannel != IdentityPatch.Automatic && !KnownChannels.Contains(preferredChannel))
        {
            return ApiError.BadRequest($"preferred_channel must be one of {string.Join(", ", KnownChannels)}, or {IdentityPatch.Automatic} to clear the choice");
        }

        if (entityType is not null && !EntityTypes.All.Contains(entityType))
        {
            return ApiError.BadRequest($"entity_type must be one of {string.Join(", ", EntityTypes.All)}");
        }

        return await Guard(async () => await identities.PatchAsync(identityId, new IdentityPatch(displayName, preferredChannel, entityType), cancellationToken)
            is { } identity ? Json(await preferred.ResolveAsync(identity, call.Caller.Readable(options.Instances.Keys), cancellationToken)) : NotFound(identityId));
    }

    /// <summary><c>GET /api/identities/{identity_id}/events?from=&amp;to=&amp;limit=&amp;continuation=</c>.</summary>
    public async Task<IResult> EventsAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (request, identityId, cancellationToken) = (call.Request, call.Route("identity_id"), call.Cancellation);

        if (!TryParseLimit(request.Query["limit"], out var limit))
        {
            return ApiError.BadRequest($"limit must be a whole number from 1 to {EventsEndpoints.MaxLimit}");
        }

        if (!TryParseTime(request.Query["from"], out var from))
        {
            return ApiError.BadRequest("from must be an ISO-8601 time, e.g. 2026-11-23T00:00:00Z");
        }

        if (!TryParseTime(request.Query["to"], out var to))
        {
            return ApiError.BadRequest("to must be an ISO-8601 time, e.g. 2026-11-24T00:00:00Z");
        }

        if (from is not null && to is not null && to <= from)
        {
            return ApiError.BadRequest("to must be after from");
        }

        // A key scoped to some instances sees an identity seen there, and those instances' events only.
        if (!call.Caller.IsUnscoped && await VisibleAsync(call.Caller, identityId, cancellationToken) is null)
        {
            return NotFound(identityId);
        }

        var readable = call.Caller.Readable(options.Instances.Keys);
        try
        {
            var page = await timeline.ListAsync(identityId, readable, from, to, limit, request.Query["continuation"], cancellationToken);
            return page is null ? NotFound(identityId) : Json(new { events = page.Events, continuation = page.Continuation });
        }
        catch (ArgumentException e)
        {
            return ApiError.BadRequest(e.Message);
        }
    }

    private async Task<IdentityView?> VisibleAsync(Caller caller, string identityId, CancellationToken cancellationToken) =>
        await identities.GetAsync(identityId, cancellationToken) is { } identity ? IdentityScope.View(caller, identity) : null;

    private static async Task<IResult> Guard(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (IdentityConflictException e)
        {
            return ApiError.Conflict(e.Message);
        }
        catch (IdentityNotFoundException e)
        {
            return ApiError.NotFound(e.Message);
        }
    }

    private static async Task<(JsonElement Body, IResult? Error)> ReadObjectAsync(HttpRequest request, string[] allowed, CancellationToken cancellationToken)
    {
        var bytes = await BoundedBody.ReadAsync(request.Body, MaxBodyBytes, cancellationToken);
        if (bytes is null)
        {
            return (default, ApiError.TooLarge($"the body exceeds the {MaxBodyBytes} byte limit"));
        }

        JsonElement body;
        try
        {
            body = JsonSerializer.Deserialize<JsonElement>(bytes.ToMemory().Span);
        }
        catch (JsonException e)
        {
            return (default, ApiError.BadRequest("the body is not valid JSON: " + e.Message));
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return (default, ApiError.BadRequest("the body must be a JSON object"));
        }

        foreach (var property in body.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                return (default, ApiError.BadRequest($"unknown field '{property.Name}'; expected {string.Join(", ", allowed)}"));
            }

            if (property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
            {
                return (default, ApiError.BadRequest($"{property.Name} must be a string{(property.Name.StartsWith("is_", StringComparison.Ordinal) ? " or boolean" : "")}"));
            }

            if (property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False && !property.Name.StartsWith("is_", StringComparison.Ordinal))
            {
                return (default, ApiError.BadRequest($"{property.Name} must be a string"));
            }
        }

        return (body, null);
    }

    private static string? Str(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()
            : null;

    private static bool TryBool(JsonElement body, string name, out bool value)
    {
        value = false;
        if (!body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        value = element.ValueKind == JsonValueKind.True;
        return element.ValueKind is JsonValueKind.True or JsonValueKind.False;
    }

    private static bool TryParseTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }

        return false;
    }

    private static bool TryParseLimit(string? text, out int limit)
    {
        limit = EventsEndpoints.DefaultLimit;
        return string.IsNullOrEmpty(text) ||
               (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= EventsEndpoints.MaxLimit);
    }

    private static IResult NotFound(string identityId) => ApiError.NotFound($"no identity '{identityId}'");

    private static IResult Json(object value) => Results.Json(value, OmniJson.Options);
}
