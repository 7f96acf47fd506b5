using System.Globalization;
using Microsoft.AspNetCore.Http;
using Omni.Engine.Conversations;
using Omni.Engine.Json;
using Omni.Engine.Timelines;
using Omni.Services.Configuration;
using Omni.Services.Events;
using Omni.Services.Http;

namespace Omni.Services.Conversations;

/// <summary>An instance's conversations, most recently active first, and a conversation's folded timeline. Behind a key that may read the instance.</summary>
public sealed class ConversationsEndpoints(OmniOptions options, ConversationStore conversations, EventQueryService queries)
{
    public const int DefaultTimelineLimit = 200;
    public const int MaxTimelineLimit = 1000;

    /// <summary><c>GET /api/conversations?instance=</c>: the instance's conversations, most recently active first.</summary>
    public async Task<IResult> ListAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var q = new QueryParameters(call.Request, ["instance", "limit", "continuation", "code"]);
        var instance = q.Text("instance");
        var limit = q.Number("limit", EventsEndpoints.DefaultLimit, 1, EventsEndpoints.MaxLimit);
        var after = q.Text("continuation");
        if ((q.Error ?? (instance is null ? "the instance query parameter is required" : null)) is { } invalid)
        {
            return ApiError.BadRequest(invalid);
        }

        if (NotConfigured(instance!) is { } missing)
        {
            return missing;
        }

        var all = await conversations.ListAsync(instance!, call.Cancellation);
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
    public async Task<IResult> TimelineAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (instance, conversationId, cancellationToken) = (call.Route("instance"), call.Route("conversation_id"), call.Cancellation);
        if (NotConfigured(instance) is { } missing)
        {
            return missing;
        }

        var q = new QueryParameters(call.Request, ["limit", "continuation", "raw", "from", "to", "code"]);
        var query = new EventQuery { ConversationId = conversationId, From = q.Time("from"), To = q.Time("to") };
        var limit = q.Number("limit", DefaultTimelineLimit, 1, MaxTimelineLimit);
        var raw = q.Bool("raw") ?? false;
        if ((q.Error ?? query.Validate()) is { } invalid)
        {
            return ApiError.BadRequest(invalid);
        }

        var summary = await conversations.GetAsync(instance, conversationId, cancellationToken);
        return await EventsEndpoints.PageAsync(() => queries.QueryAsync(query, [instance], limit, q.Text("continuation"), cancellationToken),
            page => Json(new
            {
                instance,
                conversation_id = conversationId,
                conversation = summary is null ? null : ToView(summary),
                entries = TimelineFolder.Fold(page.Events, raw),
                continuation = page.Continuation,
            }));
    }

    private IResult? NotConfigured(string instance) =>
        options.Instances.ContainsKey(instance) ? null : ApiError.NotFound($"no instance named '{instance}' is configured");

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
}
