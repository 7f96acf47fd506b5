using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Services.AgentTools;
using Omni.Services.Http;

namespace Omni.Services.Wish;

/// <summary>
/// One wish's tool calls as they run: each goes through <see cref="AgentToolbox"/> with the wish's caller (refusals come
/// back as error results the model reads, never as a crash), acting tools are forced to <c>dry_run</c> in a dry run,
/// results are held to the byte budget, and the ids and runs the results name are collected for citation checks.
/// </summary>
internal sealed class PlanRun(Caller caller, bool dryRun, DateTimeOffset now)
{
    private static readonly HashSet<string> IdKeys = new(StringComparer.Ordinal)
    {
        "event_id", "last_event_id", "last_inbound_event_id", "last_outbound_event_id", "folded_event_ids", "conversation_id", "identity_id", "run_id",
    };

    public Caller Caller { get; } = caller;

    public bool DryRun { get; } = dryRun;

    public List<PlannedCall> Plan { get; } = [];

    public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

    public List<string> Runs { get; } = [];

    public DateTimeOffset? From { get; private set; }

    public DateTimeOffset? To { get; private set; }

    public async Task<JsonObject> CallAsync(AgentToolbox toolbox, string tool, JsonElement arguments, string? malformed, WishOptions limits, CancellationToken cancellationToken)
    {
        if (malformed is not null)
        {
            return Record(tool, default, "bad_arguments", $"the tool call's arguments are not valid JSON ({malformed}); send a JSON object", 0);
        }

        if (Plan.Count >= limits.MaxToolCalls)
        {
            return Record(tool, arguments, "call_limit", $"this wish may make at most {limits.MaxToolCalls} tool calls: answer with what you have, or abstain", 0);
        }

        if (tool == "wish")
        {
            return Record(tool, arguments, "forbidden", "wish cannot call itself; use the other tools", 0);
        }

        var args = Bounded(arguments, toolbox.Find(tool)?.Acts == true && DryRun, limits.MaxResultBytes);
        var outcome = await toolbox.InvokeAsync(Caller, tool, args, cancellationToken);
        if (outcome.IsError)
        {
            return Record(tool, args, outcome.Result["error"]?["code"]?.GetValue<string>() ?? "error", outcome.Result["error"]?["message"]?.GetValue<string>() ?? "", outcome.Bytes);
        }

        Plan.Add(new PlannedCall(tool, args, "ok", outcome.Bytes));
        Collect(outcome.Result);
        Window(args);
        if (outcome.Result["started"]?.GetValue<bool>() == true && outcome.Result["run_id"]?.GetValue<string>() is { } runId)
        {
            Runs.Add(runId);
        }

        return outcome.Result;
    }

    private JsonObject Record(string tool, JsonElement arguments, string code, string message, int bytes)
    {
        Plan.Add(new PlannedCall(tool, arguments.ValueKind == JsonValueKind.Undefined ? JsonSerializer.SerializeToElement(new { }) : arguments, code, bytes, message));
        return new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };
    }

    /// <summary>The arguments with <c>dry_run: true</c> forced (acting tools in a dry run) and <c>max_bytes</c> capped.</summary>
    private static JsonElement Bounded(JsonElement arguments, bool forceDryRun, int maxBytes)
    {
        var node = arguments.ValueKind == JsonValueKind.Object ? JsonNode.Parse(arguments.GetRawText())!.AsObject() : [];
        if (forceDryRun)
        {
            node["dry_run"] = true;
        }

        if (node["max_bytes"] is not JsonValue given || !given.TryGetValue<int>(out var asked) || asked > maxBytes)
        {
            node["max_bytes"] = maxBytes;
        }

        return JsonSerializer.SerializeToElement(node);
    }

    private void Collect(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (IdKeys.Contains(key) && value is JsonValue v && v.TryGetValue<string>(out var id))
                    {
                        Seen.Add(id);
                    }
                    else if (IdKeys.Contains(key) && value is JsonArray ids)
                    {
                        Seen.UnionWith(ids.OfType<JsonValue>().Select(x => x.TryGetValue<string>(out var s) ? s : null).OfType<string>());
                    }
                    else
                    {
                        Collect(value);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Collect(item);
                }

                break;
        }
    }

    /// <summary>Widens the coverage window with the call's <c>from</c>/<c>since</c> and <c>to</c>/<c>before</c> (ISO times or ages such as 7d).</summary>
    private void Window(JsonElement args)
    {
        foreach (var (name, isStart) in new[] { ("from", true), ("since", true), ("to", false), ("before", false) })
        {
            if (args.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String &&
                Conversations.ConversationFilter.ParseTime(value.GetString()!, now) is { } t)
            {
                if (isStart)
                {
                    From = From is null || t < From ? t : From;
                }
                else
                {
                    To = To is null || t > To ? t : To;
                }
            }
        }
    }
}
