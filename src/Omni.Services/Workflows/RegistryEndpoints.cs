using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Omni.Engine.Json;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Actions;
using Omni.Services.Actions;
using Omni.Services.Connections;
using Omni.Services.Http;

namespace Omni.Services.Workflows;

/// <summary>
/// <c>GET /api/registry</c>: the whole marketplace a UI builds its pickers from, in the order a person meets it:
/// connections (<see cref="ConnectionCatalog"/>), then the action categories in the order steps run, each with its
/// actions (the same entries as <c>GET /api/registry/actions</c>), then the workflow blocks steps are made of.
/// </summary>
public sealed class RegistryEndpoints(WorkflowsEndpoints workflows, WorkflowStore store, ActionExecutorRegistry executors)
{
    private static readonly (ActionCategory Category, string Title, string Description)[] Categories =
    [
        (ActionCategory.Guard, "Guards", "Decide whether a run goes on: allow and deny lists, stored block lists, the account's own messages, debounce, rate limits, per-contact overrides."),
        (ActionCategory.Transform, "Transforms", "Turn the event into what later steps use: speech-to-text, image and video description, translation; each with a fallback chain of providers."),
        (ActionCategory.Route, "Routes", "Where the event goes: an agent's answer, a reply on its own channel, a forward to another channel or person, a human."),
        (ActionCategory.Validate, "Validators", "Check a result before it is used or sent: moderation of a reply (validate.safety) blocks it before any later route step; custom validate.* actions plug in here."),
        (ActionCategory.Persist, "Persistence hooks", "Record something about the conversation, person or event: tags, conversation summaries agents read."),
        (ActionCategory.Meta, "Meta actions", "Around the run: notifications to other systems, analytics."),
        (ActionCategory.Workflow, "Workflow blocks", "Choose a path: an agent picks one of the declared branches (workflow.smart_decision), with a fallback when it cannot."),
    ];

    private static readonly (string Id, string Title, string Description, string Def, string[]? Fields)[] Blocks =
    [
        ("trigger", "Trigger", "When the workflow starts: event kinds, content types and a condition over the event (from_me, is_group, is_forwarded, lists, ...).", "trigger", null),
        ("action_step", "Action step", "Runs one registry action with its parameters (with), optionally only when a condition holds.", "action_step", ["id", "action", "with", "when", "next", "continue_on_error"]),
        ("provider_chain", "Provider chain", "Tries the action's providers in order; a result failing check moves on to the next.", "action_step", ["providers", "check"]),
        ("retry", "Retry policy", "Retries transient failures with backoff.", "retry", null),
        ("follow_up", "Scheduled follow-up", "Runs the step after a delay unless a condition (e.g. replied) holds by then: \"if no reply in 24 h, remind\".", "action_step", ["after", "unless"]),
        ("wait_for", "Wait for an event", "Pauses the run until an external event (e.g. resolved after an escalation) or a timeout.", "action_step", ["wait_for"]),
        ("if_step", "Branch", "Runs then or else by a condition, and continues after the branch.", "if_step", null),
        ("stop_step", "Stop", "Ends the run as skipped with a reason, optionally only when a condition holds.", "stop_step", null),
    ];

    /// <summary><c>GET /api/registry</c>.</summary>
    public Task<IResult> CatalogueAsync(ApiCall call)
    {
        var schema = WorkflowJsonSchema.Build(store.Registry);
        var defs = schema["$defs"]!.AsObject();
        var categories = Categories.Select(c =>
        {
            var ids = store.Registry.Actions.Where(a => a.Category == c.Category).Select(a => a.Id).ToList();
            return new
            {
                id = ActionCategories.Name(c.Category),
                title = c.Title,
                description = c.Description,
                actions = ids,
                not_available = ids.Where(id => !executors.TryGet(id, out _)).ToList(),
            };
        });
        var blocks = Blocks.Select(b => new
        {
            id = b.Id,
            title = b.Title,
            description = b.Description,
            schema_ref = $"/api/workflows/schema#/$defs/{b.Def}",
            fields = b.Fields ?? [.. (defs[b.Def]?["properties"] as JsonObject ?? []).Select(p => p.Key)],
        });
        return Task.FromResult(Results.Json(new
        {
            connections = ConnectionCatalog.All,
            categories,
            actions = workflows.ActionEntries(),
            blocks,
        }, OmniJson.Options));
    }
}
