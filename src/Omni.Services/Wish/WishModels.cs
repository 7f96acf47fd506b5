using System.Text.Json;

namespace Omni.Services.Wish;

/// <summary><c>Omni:Wish</c>: which agent plans, and the bounds of one wish.</summary>
public sealed class WishOptions
{
    public const string Section = "Omni:Wish";

    /// <summary>The agent under <c>Omni:Agents</c> that plans (default <c>wish</c>, else <c>default</c>).</summary>
    public string? Agent { get; init; }

    /// <summary>Model answers per wish: each may ask for tool calls; the last must answer.</summary>
    public int MaxRounds { get; init; } = 6;

    /// <summary>Tool calls per wish, over all rounds.</summary>
    public int MaxToolCalls { get; init; } = 12;

    /// <summary>Output tokens per model answer.</summary>
    public int MaxOutputTokens { get; init; } = 1_000;

    /// <summary>Byte budget of each tool result the model reads.</summary>
    public int MaxResultBytes { get; init; } = 16_000;
}

/// <summary><c>POST /api/wish</c>'s body.</summary>
public sealed record WishRequest(string Text, string? Instance, bool DryRun);

/// <summary>One tool call of a plan: as the model (or a person) asked for it, and what it gave.</summary>
public sealed record PlannedCall(string Tool, JsonElement Arguments, string? Outcome = null, int? Bytes = null, string? Error = null);

/// <summary>What the answer looked at: the instances and channels in scope, the time window the tools were asked for, known gaps.</summary>
public sealed record WishCoverage(IReadOnlyList<string> Instances, IReadOnlyList<string> Channels, DateTimeOffset? From, DateTimeOffset? To,
    IReadOnlyList<string> Gaps);

/// <summary>
/// The answer to a wish: the plan that ran (re-runnable through <c>POST /api/wish/plan</c>), the answer or the reason it
/// abstained, the ids the answer rests on (only ids the tools returned), the runs it started and its coverage.
/// </summary>
public sealed record WishResult(
    IReadOnlyList<PlannedCall> Plan,
    string? Answer,
    bool Abstained,
    string? AbstainReason,
    IReadOnlyList<string> Evidence,
    IReadOnlyList<string> UnverifiedCitations,
    IReadOnlyList<string> Runs,
    WishCoverage Coverage,
    int Rounds,
    string? Model,
    bool DryRun)
{
    /// <summary>The result of each call, in plan order: only when a plan was re-run (<c>POST /api/wish/plan</c>).</summary>
    public IReadOnlyList<System.Text.Json.Nodes.JsonObject>? Results { get; init; }
}

/// <summary>A wish that could not be answered: <c>unavailable</c> (no agent: 503), <c>round_limit</c> and <c>model_failed</c> (502), <c>forbidden</c>.</summary>
public sealed class WishException(string code, string message, IReadOnlyList<PlannedCall>? plan = null) : Exception(message)
{
    public string Code { get; } = code;

    public IReadOnlyList<PlannedCall> Plan { get; } = plan ?? [];
}
