using Omni.Services.Configuration;

namespace Omni.Services.Actions.Agents;

/// <summary>A configured agent, its settings checked: what <c>route.agent.default</c> and <c>workflow.smart_decision</c> call.</summary>
public sealed record AgentLink(string Name, Uri Endpoint, string ApiKey, string Model, AgentOptions Settings);

public static class AgentLinks
{
    /// <summary>The agent <paramref name="name"/> (<c>Omni:Agents:&lt;name&gt;</c>); a missing agent or setting is a permanent failure.</summary>
    public static AgentLink Resolve(OmniOptions options, string actionId, string name)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Agents.TryGetValue(name, out var agent))
        {
            throw new PermanentActionException($"{actionId}: the agent '{name}' is not configured (Omni:Agents:{name}).");
        }

        return new AgentLink(
            name,
            agent.Endpoint ?? throw new PermanentActionException($"{actionId}: Omni:Agents:{name}:Endpoint is not set."),
            agent.ApiKey ?? throw new PermanentActionException($"{actionId}: Omni:Agents:{name}:ApiKey is not set."),
            agent.Model ?? throw new PermanentActionException($"{actionId}: Omni:Agents:{name}:Model is not set."),
            agent);
    }
}
