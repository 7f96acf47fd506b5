using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Services.Conversations;

namespace Omni.Services.Actions.Persist;

/// <summary>
/// <c>persist.summary</c>: stores <c>text</c> as the summary of the event's conversation (<see cref="ConversationNotesStore"/>),
/// with the run, workflow, step and event that wrote it. Agents read it with the conversation (<c>summary</c> in
/// <c>GET /api/conversations</c>, the timeline, the agent tools and MCP). The summary of the newest event wins; running the
/// same step again (a replay, a retry) finds its own summary and writes nothing, so it needs no effect ledger.
/// Output: <c>{"conversation_id", "stored", "truncated", "at"}</c>.
/// </summary>
public sealed class PersistSummaryExecutor(ConversationNotesStore notes) : IActionExecutor
{
    public const string Id = "persist.summary";

    public string ActionId => Id;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var text = invocation.RequireString("text").Trim();
        var evt = invocation.Event;
        var conversation = evt.ConversationId is { Length: > 0 } id
            ? id
            : throw new PermanentActionException($"{Id}: the event {evt.EventId} belongs to no conversation, so there is nothing to summarize.");
        var (stored, kept) = await StorageCall.RunAsync(Id, () => notes.SetSummaryAsync(
            evt.Instance, conversation, text, invocation.RunId, invocation.WorkflowId, invocation.StepId, evt.EventId, evt.OccurredAt ?? evt.ReceivedAt,
            cancellationToken));
        return new ActionOutcome
        {
            Output = JsonSerializer.SerializeToElement(new JsonObject
            {
                ["conversation_id"] = conversation,
                ["stored"] = stored,
                ["truncated"] = stored && kept.Truncated,
                ["at"] = kept.At,
            }),
            Summary = stored
                ? $"summary of {conversation} stored ({kept.Text.Length} characters{(kept.Truncated ? ", cut" : "")})"
                : $"summary of {conversation} not stored: the summary of a newer event ({kept.EventId}, run {kept.RunId}) is kept",
        };
    }
}
