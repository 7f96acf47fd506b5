using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Omni.Engine.Workflows.Actions;
using Omni.Services.Actions.Http;
using Omni.Services.Configuration;

namespace Omni.Services.Actions.Agents;

/// <summary>
/// <c>workflow.smart_decision</c>: asks a configured agent to pick one of the step's <c>branches</c>, with an answer
/// constrained to them by a JSON Schema enum:
/// <code>
/// POST {Omni:Agents:&lt;agent&gt;:Endpoint}/chat/completions
/// {"model": "...", "messages": [{"role": "system", "content": "...branches and when to take them..."}, {"role": "user", "content": "&lt;input&gt;"}],
///  "response_format": {"type": "json_schema", "json_schema": {"name": "branch_choice", "strict": true, "schema":
///    {"type": "object", "properties": {"branch": {"type": "string", "enum": ["reply", "escalate", "ignore"]}, "reason": {"type": "string"}},
///     "required": ["branch", "reason"], "additionalProperties": false}}}}
/// </code>
/// When the agent fails (an HTTP error, a timeout, no answer) or answers outside the enum (a provider that ignores
/// <c>response_format</c>), the step still completes, with the declared <c>fallback</c> branch and <c>fell_back: true</c>:
/// a decision that never comes is worse than the default one, so the step is not retried. A missing agent or setting is
/// a configuration error and fails the step.
/// Output: <c>{"branch", "reason", "provider", "fell_back"}</c>; later steps read <c>steps.&lt;id&gt;.output.branch</c>.
/// </summary>
public sealed class SmartDecisionExecutor(IHttpClientFactory clients, OmniOptions options, TimeProvider time) : IActionExecutor
{
    public const string Id = "workflow.smart_decision";

    public string ActionId => Id;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var entries = invocation.GetElement("branches") is { ValueKind: JsonValueKind.Array } list
            ? list.EnumerateArray().Select(e => e.GetString() ?? "").ToList()
            : throw new PermanentActionException($"{Id}: the parameter 'branches' is required (a list of branch names).");
        var (branches, problems) = SmartDecisionBranches.Parse(entries);
        if (problems.Count > 0)
        {
            throw new PermanentActionException($"{Id}: {string.Join("; ", problems)}.");
        }

        var names = branches.Select(b => b.Name).ToList();
        var fallback = invocation.RequireString("fallback");
        if (!names.Contains(fallback))
        {
            throw new PermanentActionException($"{Id}: fallback '{fallback}' is not one of the branches ({string.Join(", ", names)}).");
        }

        var agent = AgentLinks.Resolve(options, Id, invocation.GetString("agent") ?? "default");
        var input = invocation.GetString("input") ?? invocation.Event.Text;
        if (string.IsNullOrWhiteSpace(input))
        {
            input = $"(a {invocation.Event.ContentType} {invocation.Event.EventKind} on {invocation.Event.Channel} without text)";
        }

        ChatResponse response;
        try
        {
            using var chat = OpenAiChat.CreateClient(clients.CreateClient(ActionHttpClients.ForAgent(agent.Name)), agent.Endpoint, agent.ApiKey, agent.Model,
                agent.Settings.Timeout);
            response = await OpenAiChat.GetResponseAsync(chat,
                [new ChatMessage(ChatRole.System, SystemPrompt(branches, invocation.GetString("instructions"))), new ChatMessage(ChatRole.User, input)],
                OpenAiChat.JsonSchemaOptions(agent.Model, "branch_choice", Schema(names)), $"{Id}: agent '{agent.Name}'", agent.Settings.Timeout, time,
                cancellationToken);
        }
        catch (Exception ex) when (ex is TransientActionException or PermanentActionException)
        {
            return Decided(fallback, $"fallback: the agent failed: {ex.Message}", agent.Name, fellBack: true);
        }

        var answer = OpenAiChat.JsonAnswer(response);
        var branch = answer is { } a && a.TryGetProperty("branch", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null;
        if (branch is null || !names.Contains(branch))
        {
            var got = branch is null ? $"no branch ({Quote(response.Text)})" : $"'{branch}'";
            return Decided(fallback, $"fallback: the agent answered {got}, not one of {string.Join(", ", names)}", agent.Name, fellBack: true);
        }

        var reason = answer!.Value.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() ?? "" : "";
        return Decided(branch, reason, agent.Name, fellBack: false);
    }

    private static ActionOutcome Decided(string branch, string reason, string agent, bool fellBack) => new()
    {
        Output = JsonSerializer.SerializeToElement(new JsonObject
        {
            ["branch"] = branch, ["reason"] = reason, ["provider"] = agent, ["fell_back"] = fellBack,
        }),
        Provider = agent,
        Summary = fellBack ? $"took the fallback branch '{branch}': {reason}" : $"agent '{agent}' chose '{branch}': {reason}",
    };

    private static string SystemPrompt(IReadOnlyList<DecisionBranch> branches, string? instructions)
    {
        var prompt = new StringBuilder("You decide how a workflow handles a message. Choose exactly one branch:\n");
        foreach (var branch in branches)
        {
            prompt.Append("- ").Append(branch.Name).Append(branch.Description is null ? "" : ": " + branch.Description).Append('\n');
        }

        if (!string.IsNullOrWhiteSpace(instructions))
        {
            prompt.Append(instructions.Trim()).Append('\n');
        }

        return prompt.Append("Answer with JSON: branch is the chosen branch's name; reason is one short sentence.").ToString();
    }

    private static JsonElement Schema(IReadOnlyList<string> names) => JsonSerializer.SerializeToElement(new JsonObject
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["branch"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. names.Select(n => (JsonNode?)n)]) },
            ["reason"] = new JsonObject { ["type"] = "string" },
        },
        ["required"] = new JsonArray("branch", "reason"),
        ["additionalProperties"] = false,
    });

    private static string Quote(string? text) => text is null ? "nothing" : text.Length > 80 ? text[..80] + "…" : text;
}
