using System.Globalization;
using Microsoft.AspNetCore.Http;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Engine.Webhooks;
using Omni.Services.Http;
using Omni.Services.Ingest;

namespace Omni.Services.Events;

/// <summary>The read side of events: filtered and paged lists, one event, its raw payload. The caller's key scopes each.</summary>
public sealed class EventsEndpoints(EventStore events, EventQueryService queries, RawArchive archive, Configuration.OmniOptions options)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    private static readonly string[] ListParameters =
    [
        "instance", "channel", "conversation_id", "identity_id", "event_kind", "content_type", "sender_handle", "from_me",
        "from", "to", "text_contains", "tag", "order", "limit", "continuation", "code",
    ];

    /// <summary>
    /// <c>GET /api/events</c>: every filter optional and combinable; without <c>instance</c>, all instances the key may read, merged.
    /// </summary>
    public async Task<IResult> ListAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var q = new QueryParameters(call.Request, ListParameters);
        string? instance = q.Text("instance");
        var query = new EventQuery
        {
            Channel = q.Text("channel"),
            ConversationId = q.Text("conversation_id"),
            IdentityId = q.Text("identity_id"),
            EventKind = q.Text("event_kind"),
            ContentType = q.Text("content_type"),
            SenderHandle = q.Text("sender_handle"),
            FromMe = q.Bool("from_me"),
            From = q.Time("from"),
            To = q.Time("to"),
            TextContains = q.Text("text_contains"),
            Tag = q.Text("tag") is { } tag ? Tags.Normalize(tag) ?? tag : null,
            Ascending = q.Choice("order", "desc", "asc") == "asc",
        };
        var limit = q.Number("limit", DefaultLimit, 1, MaxLimit);
        if ((q.Error ?? query.Validate()) is { } invalid)
        {
            return ApiError.BadRequest(invalid);
        }

        if (instance is not null && !options.Instances.ContainsKey(instance))
        {
            return ApiError.NotFound($"no instance named '{instance}' is configured");
        }

        var instances = instance is null ? call.Caller.Readable(options.Instances.Keys) : [instance];
        return await PageAsync(() => queries.QueryAsync(query, instances, limit, q.Text("continuation"), call.Cancellation),
            page => Json(new { events = page.Events, continuation = page.Continuation }));
    }

    /// <summary>
    /// <c>GET /api/events/{event_id}</c>: the event's bounded view (<see cref="EventLimits.Bound"/>: the text cut at
    /// <see cref="EventLimits.MaxTextChars"/> with <c>text_truncated</c> and <c>text_length</c>, every cut field in
    /// <c>truncated_fields</c>), read from its row; <c>?full=true</c>: the whole event (from the oversize blob when it has one).
    /// </summary>
    public async Task<IResult> GetAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var eventId = call.Route("event_id");
        var full = call.Request.Query["full"].ToString() switch
        {
            "" or "false" => false,
            "true" => true,
            _ => (bool?)null,
        };
        if (full is null || call.Request.Query["full"].Count > 1)
        {
            return ApiError.BadRequest("full must be true or false");
        }

        if (await events.GetCanonicalRowAsync(eventId, call.Cancellation) is not { } row)
        {
            return ApiError.NotFound($"no event '{eventId}'");
        }

        var stored = EventStore.ReadStoredEvent(row);
        if (call.Caller.Forbid(stored.Instance) is { } forbidden)
        {
            return forbidden;
        }

        return Json(full.Value ? await events.ReadFullEventAsync(row, call.Cancellation) : EventLimits.Bound(stored));
    }

    /// <summary>
    /// <c>GET /api/events/{event_id}/raw</c>: the archived payload with provider credentials redacted
    /// (<see cref="CredentialRedaction"/>), or exactly as received for a key with the <c>raw</c> scope.
    /// </summary>
    public async Task<IResult> GetRawAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var eventId = call.Route("event_id");
        var e = await events.GetStoredAsync(eventId, call.Cancellation); // provider, instance and raw_blob are in the row
        if (e is null)
        {
            return ApiError.NotFound($"no event '{eventId}'");
        }

        if (call.Caller.Forbid(e.Instance) is { } forbidden)
        {
            return forbidden;
        }

        var raw = await archive.GetAsync(e.RawBlob, call.Cancellation);
        if (raw is null)
        {
            return ApiError.NotFound($"the archived payload {e.RawBlob} no longer exists (retention)");
        }

        if (call.Caller.ReadsRaw)
        {
            return Results.Bytes(raw.Content.ToMemory(), raw.ContentType ?? "application/octet-stream");
        }

        // Provider credentials (Evolution's apikey sends messages as the user) never reach a key without the raw scope.
        if (CredentialRedaction.Redact(e.Provider, raw.Content.ToMemory().Span) is not { } redacted)
        {
            return ApiError.Forbidden($"the archived payload is not JSON, so its credentials cannot be redacted; a key with the '{Caller.RawScope}' scope reads it as received");
        }

        call.Request.HttpContext.Response.Headers[RedactedHeader] = redacted.Redacted.ToString(CultureInfo.InvariantCulture);
        return Results.Bytes(redacted.Json, "application/json");
    }

    /// <summary>How many credential values a redacted raw payload had replaced.</summary>
    public const string RedactedHeader = "x-omni-redacted";

    /// <summary>Runs a paged read, answering 400 for a bad continuation token or a query too broad to serve.</summary>
    public static async Task<IResult> PageAsync(Func<Task<EventPage>> read, Func<EventPage, IResult> answer)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(answer);
        try
        {
            return answer(await read());
        }
        catch (ArgumentException e)
        {
            return ApiError.BadRequest(e.Message);
        }
        catch (QueryTooBroadException e)
        {
            return ApiError.BadRequest(e.Message);
        }
    }

    /// <summary>Parses an optional <c>limit</c> of 1 to <see cref="MaxLimit"/> (default <see cref="DefaultLimit"/>).</summary>
    public static bool TryParseLimit(string? text, out int limit)
    {
        limit = DefaultLimit;
        return string.IsNullOrEmpty(text) ||
               (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit);
    }

    private static IResult Json(object value) => Results.Json(value, OmniJson.Options);
}
