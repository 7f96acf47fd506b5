using Microsoft.AspNetCore.Http;
using Omni.Engine.Conversations;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Engine.Timelines;
using Omni.Services.Configuration;
using Omni.Services.Events;
using Omni.Services.Http;

namespace Omni.Services.Conversations;

/// <summary>
/// Conversations by reply state (awaiting reply, reply debt, open questions), people by the same state across channels,
/// and a conversation's folded timeline. Listing without an instance covers every instance the key may read.
/// </summary>
public sealed class ConversationsEndpoints(
    OmniOptions options, ConversationStore conversations, ConversationNotesStore notes, ConversationQueryService query, EventQueryService queries, TimeProvider time)
{
    public const int DefaultTimelineLimit = 200;
    public const int MaxTimelineLimit = 1000;

    /// <summary>
    /// <c>GET /api/conversations?instance=&amp;awaiting_reply=&amp;reply_debt=&amp;has_open_questions=&amp;since=&amp;before=&amp;group_by=</c>:
    /// conversations (or, with <c>group_by=identity</c>, people) by reply state, most recently active first. Without
    /// <c>instance</c>, every instance the key may read.
    /// </summary>
    public async Task<IResult> ListAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var q = new QueryParameters(call.Request, [.. ListParameters, "code"]);
        var (instance, limit, groupBy) = (q.Text("instance"), q.Number("limit", EventsEndpoints.DefaultLimit, 1, EventsEndpoints.MaxLimit), q.Choice("group_by", "identity"));
        var filter = ReadFilter(q, time.GetUtcNow());
        if (q.Error is { } invalid)
        {
            return ApiError.BadRequest(invalid);
        }

        if (instance is not null && NotConfigured(instance) is { } missing)
        {
            return missing;
        }

        var instances = instance is null ? call.Caller.Readable(options.Instances.Keys) : [instance];
        try
        {
            return groupBy is null
                ? Json(ConversationViews.Page(await query.ListAsync(instances, filter, limit, q.Text("continuation"), call.Cancellation)))
                : Json(ConversationViews.Page(await query.ListPeopleAsync(instances, filter, limit, q.Text("continuation"), call.Cancellation)));
        }
        catch (ArgumentException e)
        {
            return ApiError.BadRequest(e.Message);
        }
    }

    /// <summary><c>GET /api/identities/{identity_id}/conversations</c>: one person's reply state across channels and the conversations behind it.</summary>
    public async Task<IResult> IdentityAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var identityId = call.Route("identity_id");
        return await query.ForIdentityAsync(call.Caller, identityId, call.Cancellation) is { } person
            ? Json(ConversationViews.Person(person))
            : ApiError.NotFound($"no identity '{identityId}'");
    }

    /// <summary>The query parameters of <see cref="ListAsync"/> (the MCP tool takes the same names).</summary>
    public static readonly string[] ListParameters =
        ["instance", "limit", "continuation", "awaiting_reply", "reply_debt", "has_open_questions", "is_group", "since", "before", "tag", "group_by"];

    /// <summary>The reply-state filter of a listing; problems are collected in <paramref name="q"/>.</summary>
    public static ConversationFilter ReadFilter(QueryParameters q, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(q);
        return new ConversationFilter
        {
            AwaitingReply = q.Bool("awaiting_reply"),
            ReplyDebt = q.Bool("reply_debt"),
            HasOpenQuestions = q.Bool("has_open_questions"),
            IsGroup = q.Bool("is_group"),
            Since = q.Text("since") is { } since ? ConversationFilter.ParseTime(since, now) ?? q.Invalid<DateTimeOffset?>(TimeHint("since")) : null,
            Before = q.Text("before") is { } before ? ConversationFilter.ParseTime(before, now) ?? q.Invalid<DateTimeOffset?>(TimeHint("before")) : null,
            Tag = q.Text("tag") is { } tag ? Tags.Normalize(tag) ?? q.Invalid<string?>($"tag must be {Tags.Rule}") : null,
        };
    }

    private static string TimeHint(string name) => $"{name} must be an ISO-8601 time or an age such as 30m, 24h, 7d, 2w";

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

        var (summary, written) = (await conversations.GetAsync(instance, conversationId, cancellationToken), await notes.GetAsync(instance, conversationId, cancellationToken));
        return await EventsEndpoints.PageAsync(() => queries.QueryAsync(query, [instance], limit, q.Text("continuation"), cancellationToken),
            page => Json(new
            {
                instance,
                conversation_id = conversationId,
                conversation = summary is null ? null : ConversationViews.Conversation(instance, summary, written),
                entries = TimelineFolder.Fold(page.Events, raw),
                continuation = page.Continuation,
            }));
    }

    private IResult? NotConfigured(string instance) =>
        options.Instances.ContainsKey(instance) ? null : ApiError.NotFound($"no instance named '{instance}' is configured");

    private static IResult Json(object value) => Results.Json(value, OmniJson.Options);
}
