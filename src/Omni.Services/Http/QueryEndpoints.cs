using System.Globalization;
using Microsoft.AspNetCore.Http;
using Omni.Engine.Conversations;
using Omni.Engine.Json;
using Omni.Engine.Timelines;
using Omni.Services.Catalog;
using Omni.Services.Configuration;
using Omni.Services.Conversations;
using Omni.Services.Events;
using Omni.Services.Traces;

namespace Omni.Services.Http;

/// <summary>
/// What agents read: filtered event queries, conversations and their folded timelines, the catalogue of observed
/// shapes, traces, and the OpenAPI document. All behind a query key; a key scoped to instances gets 403 elsewhere.
/// </summary>
public sealed class QueryEndpoints(
    OmniOptions options, QueryKeyAuthorizer keys, EventQueryService queries, ConversationStore conversations, CatalogStore catalog, TraceService traces)
{
    public const int DefaultTimelineLimit = 200;
    public const int MaxTimelineLimit = 1000;

    private static readonly string[] EventParameters =
    [
        "instance", "channel", "conversation_id", "identity_id", "event_kind", "content_type", "sender_handle", "from_me",
        "from", "to", "text_contains", "order", "limit", "continuation", "code",
    ];

    /// <summary>
    /// <c>GET /api/events</c>: every filter optional and combinable; without <c>instance</c>, all instances the key may read, merged.
    /// </summary>
    public async Task<IResult> ListEventsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (keys.Authorize(request) is { } denied)
        {
            return denied;
        }

        var q = new Parameters(request, EventParameters);
        string? instance = q.Text("instance");
        if (instance is not null && Forbidden(request, instance) is { } refused)
        {
            return refused;
        }

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
            Ascending = q.Choice("order", "desc", "asc") == "asc",
        };
        var limit = q.Int("limit", EventsEndpoints.DefaultLimit, 1, EventsEndpoints.MaxLimit);
        if ((q.Error ?? query.Validate()) is { } invalid)
        {
            return ApiError.BadRequest(invalid);
        }

        var instances = instance is null ? keys.ReadableInstances(request) : [instance];
        return await PageAsync(() => queries.QueryAsync(query, instances, limit, q.Text("continuation"), cancellationToken),
            page => Json(new { events = page.Events, continuation = page.Continuation }));
    }

    /// <summary><c>GET /api/conversations?instance=</c>: the instance's conversations, most recently active first.</summary>
    public async Task<IResult> ListConversationsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (keys.Authorize(request) is { } denied)
        {
            return denied;
        }

        var q = new Parameters(request, ["instance", "limit", "continuation", "code"]);
        var instance = q.Text("instance");
        var limit = q.Int("limit", EventsEndpoints.DefaultLimit, 1, EventsEndpoints.MaxLimit);
        var after = q.Text("continuation");
        if ((q.Error ?? (instance is null ? "the instance query parameter is required" : null)) is { } invalid)
        {
            return ApiError.BadRequest(invalid);
        }

        if (Forbidden(request, instance!) is { } refused)
        {
            return refused;
        }

        var all = await conversations.ListAsync(instance!, cancellationToken);
        var start = 0;
        if (after is not null)
        {
            // The token is the position in "most recent first" order: last_event_at ticks and the conversation id.
            var cut = DecodePosition(after);
            if (cut is null)
            {
                return ApiError.BadRequest("the continuation token is not valid");
            }

            start = all.TakeWhile(s => s.LastEventAt.UtcTicks > cut.Value.Ticks ||
                (s.LastEventAt.UtcTicks == cut.Value.Ticks && string.CompareOrdinal(s.ConversationId, cut.Value.Id) <= 0)).Count();
        }

        var page = all.Skip(start).Take(limit).ToList();
        var more = start + page.Count < all.Count;
        return Json(new
        {
            conversations = page.Select(ToView),
            continuation = more && page.Count > 0 ? EncodePosition(page[^1]) : null,
        });
    }

    /// <summary><c>GET /api/conversations/{instance}/{conversation_id}/timeline</c>: the newest events of the chat, folded, oldest first.</summary>
    public async Task<IResult> TimelineAsync(HttpRequest request, string instance, string conversationId, CancellationToken cancellationToken)
    {
        if (keys.Authorize(request) is { } denied)
        {
            return denied;
        }

        if (Forbidden(request, instance) is { } refused)
        {
            return refused;
        }

        var q = new Parameters(request, ["limit", "continuation", "raw", "from", "to", "code"]);
        var query = new EventQuery { ConversationId = conversationId, From = q.Time("from"), To = q.Time("to") };
        var limit = q.Int("limit", DefaultTimelineLimit, 1, MaxTimelineLimit);
        var raw = q.Bool("raw") ?? false;
        if ((q.Error ?? query.Validate()) is { } invalid)
        {
            return ApiError.BadRequest(invalid);
        }

        var summary = await conversations.GetAsync(instance, conversationId, cancellationToken);
        return await PageAsync(() => queries.QueryAsync(query, [instance], limit, q.Text("continuation"), cancellationToken),
            page => Json(new
            {
                instance,
                conversation_id = conversationId,
                conversation = summary is null ? null : ToView(summary),
                entries = TimelineFolder.Fold(page.Events, raw),
                continuation = page.Continuation,
            }));
    }

    /// <summary><c>GET /api/catalog/{instance}</c>.</summary>
    public async Task<IResult> CatalogAsync(HttpRequest request, string instance, CancellationToken cancellationToken)
    {
        if (keys.Authorize(request) is { } denied)
        {
            return denied;
        }

        return Forbidden(request, instance) ?? Json(new { instance, entries = await catalog.ListAsync(instance, cancellationToken) });
    }

    /// <summary><c>GET /api/catalog</c>: every instance the key may read.</summary>
    public async Task<IResult> CatalogAllAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (keys.Authorize(request) is { } denied)
        {
            return denied;
        }

        var lists = await Task.WhenAll(keys.ReadableInstances(request).Select(i => catalog.ListAsync(i, cancellationToken)));
        return Json(new { entries = lists.SelectMany(l => l) });
    }

    /// <summary><c>GET /api/events/{event_id}/trace</c>.</summary>
    public async Task<IResult> TraceAsync(HttpRequest request, string eventId, CancellationToken cancellationToken)
    {
        if (keys.Authorize(request) is { } denied)
        {
            return denied;
        }

        if (Omni.Engine.Events.EventKey.InstanceOf(eventId) is { } instance && keys.Authorize(request, instance) is { } forbidden)
        {
            return forbidden;
        }

        var trace = await traces.GetAsync(eventId, cancellationToken);
        return trace is null ? ApiError.NotFound($"no event '{eventId}'") : Json(trace);
    }

    /// <summary><c>GET /api/openapi.json</c>: the contract of every route (public, like any API description).</summary>
    public static IResult OpenApi() => Results.Text(OpenApiDocument.Json, "application/json");

    private IResult? Forbidden(HttpRequest request, string instance) =>
        keys.Authorize(request, instance) ?? (options.Instances.ContainsKey(instance) ? null : ApiError.NotFound($"no instance named '{instance}' is configured"));

    private static async Task<IResult> PageAsync(Func<Task<EventPage>> read, Func<EventPage, IResult> answer)
    {
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

    private static object ToView(ConversationSummary s) => new
    {
        conversation_id = s.ConversationId,
        channel = s.Channel,
        is_group = s.IsGroup,
        event_count = s.EventCount,
        last_event_at = s.LastEventAt,
        last_event_id = s.LastEventId,
        last_event_kind = s.LastEventKind,
        last_text = s.LastText,
        last_inbound_at = s.LastInboundAt,
        last_outbound_at = s.LastOutboundAt,
        unread_count = s.UnreadCount,
        participant_identities = s.ParticipantIdentities,
        participant_handles = s.ParticipantHandles,
    };

    private static string EncodePosition(ConversationSummary s) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
            s.LastEventAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + "|" + s.ConversationId)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (long Ticks, string Id)? DecodePosition(string token)
    {
        try
        {
            var s = token.Replace('-', '+').Replace('_', '/');
            var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=')));
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            return bar > 0 && long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                ? (ticks, text[(bar + 1)..])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static IResult Json(object value) => Results.Json(value, OmniJson.Options);

    /// <summary>Query-string reading that collects the first problem: unknown parameters, malformed values.</summary>
    private sealed class Parameters
    {
        private readonly IQueryCollection _query;

        public Parameters(HttpRequest request, string[] known)
        {
            _query = request.Query;
            var unknown = _query.Keys.FirstOrDefault(k => !known.Contains(k, StringComparer.Ordinal));
            if (unknown is not null)
            {
                Error = $"unknown query parameter '{unknown}'; known: {string.Join(", ", known.Where(k => k != "code"))}";
            }
        }

        public string? Error { get; private set; }

        public string? Text(string name)
        {
            var values = _query[name];
            if (values.Count > 1)
            {
                Fail($"{name} may be given once");
            }

            return string.IsNullOrEmpty(values.ToString()) ? null : values[0];
        }

        public bool? Bool(string name) => Text(name) switch
        {
            null => null,
            "true" => true,
            "false" => false,
            _ => Fail<bool?>($"{name} must be true or false"),
        };

        public DateTimeOffset? Time(string name)
        {
            var text = Text(name);
            if (text is null)
            {
                return null;
            }

            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
                ? time
                : Fail<DateTimeOffset?>($"{name} must be an ISO-8601 time, e.g. 2026-11-23T17:00:00Z");
        }

        public int Int(string name, int fallback, int min, int max)
        {
            var text = Text(name);
            if (text is null)
            {
                return fallback;
            }

            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                ? value
                : Fail<int>($"{name} must be a whole number from {min} to {max}");
        }

        public string? Choice(string name, params string[] allowed)
        {
            var text = Text(name);
            return text is null || allowed.Contains(text, StringComparer.Ordinal) ? text : Fail<string?>($"{name} must be one of: {string.Join(", ", allowed)}");
        }

        private void Fail(string message) => Error ??= message;

        private T Fail<T>(string message)
        {
            Fail(message);
            return default!;
        }
    }
}
