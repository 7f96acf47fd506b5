using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Engine.Json;

namespace Omni.Services.Actions.Notify;

/// <summary>
/// <c>meta.notify.webhook</c>: sends a JSON notification to <c>url</c> (see <see cref="WebhookNotifier"/> for the headers and
/// signature). Parameters: <c>url</c> (required), <c>body</c> (JSON, or text sent as <c>{"text"}</c>; when absent
/// <c>{"run_id", "step_id", "event": {...}}</c>), <c>method</c> (<c>POST</c> or <c>PUT</c>).
/// Output: <c>{"status_code", "url"}</c> (the URL without its query).
/// </summary>
public sealed class NotifyWebhookExecutor(WebhookNotifier notifier) : IActionExecutor
{
    public const string Id = "meta.notify.webhook";

    public string ActionId => Id;

    public bool IsSideEffect => true;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var url = notifier.ValidateUrl(Id, invocation.GetString("url"));
        var method = (invocation.GetString("method") ?? "POST").ToUpperInvariant() switch
        {
            "POST" => HttpMethod.Post,
            "PUT" => HttpMethod.Put,
            var other => throw new PermanentActionException($"{Id}: method '{other}' is not supported (POST or PUT)."),
        };
        var body = WebhookNotifier.BodyFromParameter(invocation.GetElement("body")) ?? DefaultBody(invocation);
        var status = await notifier.SendAsync(Id, url, method, body, invocation, cancellationToken);
        return new ActionOutcome
        {
            Output = JsonSerializer.SerializeToElement(new JsonObject { ["status_code"] = status, ["url"] = WebhookNotifier.Describe(url) }),
            Summary = $"{method} {WebhookNotifier.Describe(url)} answered {status}",
        };
    }

    private static byte[] DefaultBody(ActionInvocation invocation) => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["run_id"] = invocation.RunId,
        ["step_id"] = invocation.StepId,
        ["event"] = JsonSerializer.SerializeToNode(invocation.Event, OmniJson.Options),
    });
}
