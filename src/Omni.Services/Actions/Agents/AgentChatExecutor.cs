using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Omni.Services.Actions.Http;
using Omni.Services.Configuration;

namespace Omni.Services.Actions.Agents;

/// <summary>
/// <c>route.agent.default</c>: asks a configured agent (an OpenAI-compatible chat completions endpoint, through
/// Microsoft.Extensions.AI) for an answer to the event; does not send it (<c>route.reply</c> does).
/// <code>
/// POST {Omni:Agents:&lt;agent&gt;:Endpoint}/chat/completions
/// Authorization: Bearer {ApiKey}
/// {"model": "...", "messages": [{"role": "system", "content": "..."}, {"role": "user", "content": "..."}]}
/// → {"choices": [{"message": {"role": "assistant", "content": "..."}}], ...}
/// </code>
/// Parameters: <c>agent</c> (default <c>default</c>), <c>system_prompt</c> (else the agent's <c>SystemPrompt</c>),
/// <c>input</c> (else the event's text). Output: <c>{"text", "agent", "model"}</c>.
/// </summary>
public sealed class AgentChatExecutor(IHttpClientFactory clients, OmniOptions options, TimeProvider time) : IActionExecutor
{
    public const string Id = "route.agent.default";

    public string ActionId => Id;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var agentName = invocation.GetString("agent") ?? "default";
        var link = AgentLinks.Resolve(options, Id, agentName);
        var agent = link.Settings;
        var input = invocation.GetString("input") ?? invocation.Event.Text;
        if (string.IsNullOrWhiteSpace(input))
        {
            throw new PermanentActionException($"{Id}: nothing to ask: the event has no text and the step gives no input.");
        }

        var messages = new List<ChatMessage>();
        var systemPrompt = invocation.GetString("system_prompt") ?? agent.SystemPrompt;
        if (!string.IsNullOrWhiteSpace(systemPrompt))
        {
            messages.Add(new ChatMessage(ChatRole.System, systemPrompt));
        }

        messages.Add(new ChatMessage(ChatRole.User, input));

        using var chat = OpenAiChat.CreateClient(clients.CreateClient(ActionHttpClients.ForAgent(agentName)), link.Endpoint, link.ApiKey, link.Model, agent.Timeout);
        var response = await OpenAiChat.GetResponseAsync(chat, messages, new ChatOptions { ModelId = link.Model }, $"{Id}: agent '{agentName}'",
            agent.Timeout, time, cancellationToken);
        var text = response.Text;
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new PermanentActionException($"{Id}: agent '{agentName}' answered without text (finish reason: {response.FinishReason?.Value ?? "none"}).");
        }

        return new ActionOutcome
        {
            Output = JsonSerializer.SerializeToElement(new JsonObject { ["text"] = text, ["agent"] = agentName, ["model"] = response.ModelId ?? link.Model }),
            Provider = agentName,
            Summary = $"agent '{agentName}' answered {text.Length} chars",
        };
    }
}
