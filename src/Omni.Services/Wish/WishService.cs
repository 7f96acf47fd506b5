using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Omni.Engine.Json;
using Omni.Services.Actions;
using Omni.Services.Actions.Agents;
using Omni.Services.Actions.Http;
using Omni.Services.AgentTools;
using Omni.Services.Configuration;
using Omni.Services.Http;
using Omni.Services.Identity;
using Omni.Services.Storage;

namespace Omni.Services.Wish;

/// <summary>
/// <c>wish</c>: natural language in, a cited answer (or an abstention) and any runs out. The configured agent
/// (OpenAI-compatible chat through Microsoft.Extensions.AI) plans with tool calls over the agent tools; Omni runs every
/// call itself through <see cref="AgentToolbox"/> with the caller's key (narrowed to the wish's instance), so the model
/// sees nothing outside that scope and never touches storage. Bounded by rounds, tool calls, output tokens and result
/// bytes (<see cref="WishOptions"/>). Citations are checked against the ids the tools returned; an answer resting on
/// none is turned into an abstention. A plan re-runs without the model (<see cref="RunPlanAsync"/>).
/// </summary>
public sealed class WishService(AgentToolbox toolbox, OmniOptions options, WishOptions wish, IHttpClientFactory clients, OmniStorage storage,
    TimeProvider time)
{
    private const string WishTool = "wish";

    public async Task<WishResult> AskAsync(Caller caller, WishRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var (agentName, agent) = Agent() ?? throw new WishException("unavailable",
            "no agent is configured for wish: set Omni:Agents:wish (or Omni:Agents:default) with Endpoint, ApiKey and Model");
        var scoped = Scope(caller, request.Instance);
        var run = new PlanRun(scoped, request.DryRun, time.GetUtcNow());
        using var chat = OpenAiChat.CreateClient(clients.CreateClient(ActionHttpClients.ForAgent(agentName)), agent.Endpoint!, agent.ApiKey!, agent.Model!, agent.Timeout);
        var chatOptions = new ChatOptions
        {
            ModelId = agent.Model,
            MaxOutputTokens = wish.MaxOutputTokens,
            ToolMode = ChatToolMode.Auto,
            Tools = [.. toolbox.Tools.Where(t => t.Name != WishTool).Select(t => AIFunctionFactory.CreateDeclaration(t.Name, t.Description, t.InputSchema))],
        };
        List<ChatMessage> messages = [new(ChatRole.System, WishPrompt.System(time.GetUtcNow(), scoped.Readable(options.Instances.Keys), request.DryRun)), new(ChatRole.User, request.Text)];
        for (var round = 1; round <= wish.MaxRounds; round++)
        {
            var response = await AnswerAsync(chat, messages, chatOptions, agentName, agent, run, cancellationToken);
            messages.AddRange(response.Messages);
            var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
            if (calls.Count == 0)
            {
                return await FinishAsync(run, WishPrompt.ParseAnswer(response.Text), round, response.ModelId ?? agent.Model, cancellationToken);
            }

            foreach (var call in calls)
            {
                var result = await run.CallAsync(toolbox, call.Name, ArgumentsOf(call, out var malformed), malformed, wish, cancellationToken);
                messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, result.ToJsonString(OmniJson.Options))]));
            }
        }

        throw new WishException("round_limit",
            $"the model was still asking for tools after {wish.MaxRounds} rounds ({run.Plan.Count} calls); stopped without an answer", run.Plan);
    }

    /// <summary><c>POST /api/wish/plan</c>: runs the calls of a plan in order, without a model, with the caller's scope; returns each result.</summary>
    public async Task<WishResult> RunPlanAsync(Caller caller, IReadOnlyList<PlannedCall> plan, string? instance, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(plan);
        var run = new PlanRun(Scope(caller, instance), dryRun, time.GetUtcNow());
        var results = new List<JsonObject>();
        foreach (var call in plan)
        {
            results.Add(await run.CallAsync(toolbox, call.Tool, call.Arguments, null, wish, cancellationToken));
        }

        var result = await FinishAsync(run, new WishAnswer(null, false, null, []), 0, null, cancellationToken);
        return result with { Evidence = [.. run.Seen.Order(StringComparer.Ordinal)], Results = results };
    }

    private (string Name, AgentOptions Options)? Agent()
    {
        foreach (var name in new[] { wish.Agent, "wish", "default" })
        {
            if (name is not null && options.Agents.TryGetValue(name, out var agent) && agent.Endpoint is not null && agent.ApiKey is not null && agent.Model is not null)
            {
                return (name, agent);
            }
        }

        return null;
    }

    private Caller Scope(Caller caller, string? instance) =>
        instance is null ? caller
        : !options.Instances.ContainsKey(instance) ? throw new WishException("not_found", $"no instance named '{instance}' is configured")
        : caller.CanRead(instance) ? caller.Narrowed(instance)
        : throw new WishException("forbidden", $"this key may not read instance '{instance}'");

    private async Task<ChatResponse> AnswerAsync(IChatClient chat, List<ChatMessage> messages, ChatOptions chatOptions, string agentName, AgentOptions agent, PlanRun run,
        CancellationToken cancellationToken)
    {
        try
        {
            return await OpenAiChat.GetResponseAsync(chat, messages, chatOptions, $"wish: agent '{agentName}'", agent.Timeout, time, cancellationToken);
        }
        catch (Exception e) when (e is TransientActionException or PermanentActionException)
        {
            throw new WishException("model_failed", e.Message, run.Plan);
        }
    }

    private static JsonElement ArgumentsOf(FunctionCallContent call, out string? malformed)
    {
        malformed = call.Exception?.Message;
        return malformed is null ? JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions) : default;
    }

    /// <summary>Checks the citations against what the tools returned, abstains when nothing supports the answer, adds coverage.</summary>
    private async Task<WishResult> FinishAsync(PlanRun run, WishAnswer answer, int rounds, string? model, CancellationToken cancellationToken)
    {
        var evidence = answer.Cited.Where(run.Seen.Contains).Distinct(StringComparer.Ordinal).ToList();
        var unverified = answer.Cited.Where(id => !run.Seen.Contains(id)).Distinct(StringComparer.Ordinal).ToList();
        var (abstained, reason) = answer switch
        {
            { Abstain: true } => (true, answer.Reason ?? "the model abstained without saying why"),
            { Text: not null } when run.Plan.Count == 0 => (true, "the answer was not based on anything Omni returned (no tool was called)"),
            { Text: not null } when evidence.Count == 0 && unverified.Count > 0 => (true, "the answer cited ids that no tool returned"),
            _ => (false, (string?)null),
        };
        return new WishResult(run.Plan, abstained ? null : answer.Text, abstained, reason, evidence, unverified, run.Runs, await CoverageAsync(run, cancellationToken),
            rounds, model, run.DryRun);
    }

    private async Task<WishCoverage> CoverageAsync(PlanRun run, CancellationToken cancellationToken)
    {
        var instances = run.Caller.Readable(options.Instances.Keys);
        var channels = instances.Select(i => IdentityTimeline.ChannelOfProvider(options.Instances[i].Provider)).Distinct().Order(StringComparer.Ordinal).ToList();
        var gaps = run.Plan.Where(p => p.Outcome != "ok").Select(p => $"{p.Tool} failed: {p.Error}").ToList();
        try
        {
            var waiting = (await storage.Queues.GetQueueClient(storage.Names.IngestQueue).GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
            if (waiting > 0)
            {
                gaps.Add($"{waiting} received payloads were not normalized yet: the newest messages may be missing");
            }
        }
        catch (Azure.RequestFailedException e)
        {
            gaps.Add($"the ingest backlog could not be read ({e.ErrorCode})");
        }

        return new WishCoverage(instances, channels, run.From, run.To, gaps);
    }
}
