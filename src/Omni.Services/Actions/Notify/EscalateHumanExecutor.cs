using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Engine.Json;
using Omni.Services.Configuration;

namespace Omni.Services.Actions.Notify;

/// <summary>
/// <c>route.escalate.human</c>: notifies a human (a signed JSON webhook, like <c>meta.notify.webhook</c>) and answers
/// <c>{"waiting_for": "resolved"}</c>; pausing the run until the external <c>resolved</c> event (or its timeout) is the
/// step's <c>wait_for</c>. The notification goes to the step's <c>url</c>, else <c>Omni:Notify:EscalationUrl</c>, and
/// says how to resolve it (<c>POST /api/runs/{run_id}/events/resolved</c> with the query key):
/// <code>
/// {"type": "escalation", "run_id", "step_id", "reason", "assignee", "channel", "waiting_for": "resolved",
///  "resolve": {"method": "POST", "path": "/api/runs/{run_id}/events/resolved"}, "event": {...}}
/// </code>
/// <c>channel</c> (slack, whatsapp, ...) is passed on for the receiver to route; Omni itself only posts the webhook.
/// </summary>
public sealed class EscalateHumanExecutor(WebhookNotifier notifier, OmniOptions options) : IActionExecutor
{
    public const string Id = "route.escalate.human";

    public const string WaitingFor = "resolved";

    public string ActionId => Id;

    public bool IsSideEffect => true;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var target = invocation.GetString("url") ?? options.Notify.EscalationUrl?.AbsoluteUri
                     ?? throw new PermanentActionException($"{Id}: no url given and Omni:Notify:EscalationUrl is not set.");
        var url = notifier.ValidateUrl(Id, target);
        var body = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["type"] = "escalation",
            ["run_id"] = invocation.RunId,
            ["step_id"] = invocation.StepId,
            ["reason"] = invocation.GetString("reason"),
            ["assignee"] = invocation.GetString("assignee"),
            ["channel"] = invocation.GetString("channel"),
            ["waiting_for"] = WaitingFor,
            ["resolve"] = new JsonObject { ["method"] = "POST", ["path"] = $"/api/runs/{invocation.RunId}/events/{WaitingFor}" },
            ["event"] = JsonSerializer.SerializeToNode(invocation.Event, OmniJson.Options),
        });
        var status = await notifier.SendAsync(Id, url, HttpMethod.Post, body, invocation, cancellationToken);
        return new ActionOutcome
        {
            Output = JsonSerializer.SerializeToElement(new JsonObject
            {
                ["waiting_for"] = WaitingFor,
                ["notified"] = WebhookNotifier.Describe(url),
                ["status_code"] = status,
            }),
            Summary = $"escalated to {invocation.GetString("assignee") ?? "a human"} via {WebhookNotifier.Describe(url)} ({status}); waiting for '{WaitingFor}'",
        };
    }
}
