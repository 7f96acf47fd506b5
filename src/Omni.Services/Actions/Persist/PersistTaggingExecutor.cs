using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Services.Conversations;
using Omni.Services.Events;
using Omni.Services.Identity;

namespace Omni.Services.Actions.Persist;

/// <summary>
/// <c>persist.tagging</c>: adds <c>tags</c> to the event's conversation (default), its sender's identity or the event itself,
/// queryable with <c>?tag=</c> on <c>GET /api/conversations</c>, <c>/api/identities</c> and <c>/api/events</c>. Every tag is
/// a row added unless it exists, so running the step again (a replay, another workflow) changes nothing and needs no
/// effect ledger. Output: <c>{"target", "id", "tags", "added"}</c>.
/// </summary>
public sealed class PersistTaggingExecutor(EventStore events, ConversationNotesStore conversations, IdentityTags identities) : IActionExecutor
{
    public const string Id = "persist.tagging";

    public string ActionId => Id;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var tags = TagParameter.Read(invocation, "tags", required: true);
        var evt = invocation.Event;
        var target = invocation.GetString("target") ?? "conversation";
        string id;
        int added;
        switch (target)
        {
            case "conversation":
                id = evt.ConversationId is { Length: > 0 } conversation
                    ? conversation
                    : throw new PermanentActionException($"{Id}: the event {evt.EventId} belongs to no conversation; tag the event instead (target: event).");
                added = await StorageCall.RunAsync(Id, () => conversations.AddTagsAsync(evt.Instance, id, tags, invocation.RunId, invocation.StepId, cancellationToken));
                break;
            case "identity":
                id = evt.IdentityId is { Length: > 0 } identity
                    ? identity
                    : throw new PermanentActionException($"{Id}: the event {evt.EventId} carries no identity (its sender was not resolved); tag the conversation or the event instead.");
                added = await StorageCall.RunAsync(Id, () => identities.AddAsync(evt.Instance, id, tags, invocation.RunId, invocation.StepId, cancellationToken));
                break;
            case "event":
                id = evt.EventId;
                added = await StorageCall.RunAsync(Id, () => events.AddTagsAsync(id, tags, cancellationToken))
                        ?? throw new TransientActionException($"{Id}: the event {evt.EventId} is not stored (yet), so it cannot be tagged.");
                break;
            default:
                throw new PermanentActionException($"{Id}: target must be conversation, identity or event, not '{target}'.");
        }

        return new ActionOutcome
        {
            Output = JsonSerializer.SerializeToElement(new JsonObject
            {
                ["target"] = target,
                ["id"] = id,
                ["tags"] = new JsonArray([.. tags.Select(t => JsonValue.Create(t))]),
                ["added"] = added,
            }),
            Summary = $"{target} {id} tagged {string.Join(", ", tags)} ({added} new)",
        };
    }
}
