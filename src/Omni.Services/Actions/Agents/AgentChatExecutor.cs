using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Omni.Services.Actions.Http;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Conversations;
using Omni.Engine.Events;
using Omni.Services.Configuration;
using Omni.Services.Identity;

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
/// <c>input</c> (else the event's text), <c>history</c> (opt-in, at most <see cref="MaxHistory"/>: the sender's newest earlier
/// messages on every channel, from their identity timeline, given as one context message before the input).
/// Output: <c>{"text", "agent", "model", "history"}</c>.
/// </summary>
public sealed class AgentChatExecutor(IHttpClientFactory clients, OmniOptions options, TimeProvider time, IServiceProvider services) : IActionExecutor
{
    public const string Id = "route.agent.default";
    public const int MaxHistory = 50;

    /// <summary>Characters of one history message given to the agent.</summary>
    public const int HistoryTextChars = 500;

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

        var history = await HistoryAsync(invocation, cancellationToken);
        if (history.Count > 0)
        {
            messages.Add(new ChatMessage(ChatRole.User, CrossChannelHistory.Format(history, HistoryTextChars)));
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
            Output = JsonSerializer.SerializeToElement(new JsonObject
            {
                ["text"] = text, ["agent"] = agentName, ["model"] = response.ModelId ?? link.Model, ["history"] = history.Count,
            }),
            Provider = agentName,
            Summary = $"agent '{agentName}' answered {text.Length} chars",
        };
    }

    /// <summary>The sender's messages before this event, oldest first, on every configured instance; none unless the step asks.</summary>
    private async Task<IReadOnlyList<OmniEvent>> HistoryAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        var wanted = invocation.GetElement("history") is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var count) ? count : 0;
        if (wanted <= 0 || invocation.Event.IdentityId is not { } identityId)
        {
            return [];
        }

        if (wanted > MaxHistory)
        {
            throw new PermanentActionException($"{Id}: history is at most {MaxHistory}.");
        }

        var timeline = services.GetService<IdentityTimeline>()
                       ?? throw new PermanentActionException($"{Id}: this host has no identity timeline to read history from.");
        var e = invocation.Event;
        var page = await timeline.ListAsync(identityId, [.. options.Instances.Keys], null, null, wanted + 1, null, cancellationToken);
        var before = (page?.Events ?? [])
            .Where(x => x.EventId != e.EventId && (x.OccurredAt ?? x.ReceivedAt) <= (e.OccurredAt ?? e.ReceivedAt))
            .Take(wanted)
            .Reverse()
            .ToList();
        return before;
    }
}
