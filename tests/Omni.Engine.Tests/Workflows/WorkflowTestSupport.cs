using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.TestSupport;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Actions;
using Omni.Engine.Workflows.Running;

namespace Omni.Engine.Tests.Workflows;

/// <summary>Events, loaders and a scripted executor that drives the interpreter like a host would.</summary>
internal static class WorkflowTestSupport
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 23, 17, 0, 0, TimeSpan.Zero);

    public static string WorkflowsDirectory => Path.Combine(EventExpectations.RepoRoot(), "workflows");

    public static OmniEvent Message(string contentType = ContentTypes.Text, string? text = "hello") => new()
    {
        EventId = "evt_demo_0123456789abcdef0123456789abcdef",
        Channel = Channels.WhatsApp,
        Provider = "evolution",
        Instance = "demo",
        EventKind = EventKinds.Message,
        ContentType = contentType,
        ProviderEventId = "3EB0AAAA0000000000000001",
        ConversationId = "5511999990001@s.whatsapp.net",
        SenderHandle = "5511999990001@s.whatsapp.net",
        SenderName = "Ana",
        Text = text,
        OccurredAt = T0,
        ReceivedAt = T0.AddSeconds(1),
        RawBlob = "evolution/demo/raw.json",
    };

    public static WorkflowDefinition Load(string yaml, ActionRegistry? registry = null)
    {
        var result = WorkflowParser.Parse(yaml, registry ?? ActionRegistry.Default);
        Assert.True(result.IsValid, "expected a valid workflow, got:\n" + string.Join("\n", result.Errors));
        return result.Definition!;
    }

    public static WorkflowDefinition Seed(string name) => Load(File.ReadAllText(Path.Combine(WorkflowsDirectory, name + ".yaml")));

    public static IReadOnlyList<WorkflowError> Errors(string yaml, ActionRegistry? registry = null)
    {
        var result = WorkflowParser.Parse(yaml, registry ?? ActionRegistry.Default);
        Assert.False(result.IsValid);
        return result.Errors;
    }

    public static JsonElement ToJson(object value) => JsonSerializer.SerializeToElement(value, OmniJson.Options);

    public static string Serialize(Decision decision) => JsonSerializer.Serialize(decision, OmniJson.Options);
}

/// <summary>What a scripted executor answers; unscripted calls succeed (guards with "continue", others with {"text":"ok"}).</summary>
internal sealed class Script
{
    private readonly Dictionary<string, Queue<Func<CallActivity, DateTimeOffset, HistoryEntry>>> _calls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Name, TimeSpan After, JsonElement? Payload)> _events = new(StringComparer.Ordinal);

    public Script Complete(string stepId, object output, string? provider = null, int attempts = 1) =>
        Enqueue(stepId, provider, (call, at) => new ActivityCompleted(call.StepId, at, call.Provider, WorkflowTestSupport.ToJson(output), attempts));

    public Script Output(string stepId, JsonElement output, string? provider = null) =>
        Enqueue(stepId, provider, (call, at) => new ActivityCompleted(call.StepId, at, call.Provider, output, 1));

    public Script Fail(string stepId, string error, string? provider = null, int attempts = 3) =>
        Enqueue(stepId, provider, (call, at) => new ActivityFailed(call.StepId, at, call.Provider, error, attempts));

    /// <summary>The external event arrives <paramref name="after"/> the step starts waiting (if before the deadline).</summary>
    public Script Raise(string stepId, string name, TimeSpan after, object? payload = null)
    {
        _events[stepId] = (name, after, payload is null ? null : WorkflowTestSupport.ToJson(payload));
        return this;
    }

    public HistoryEntry Respond(CallActivity call, DateTimeOffset at)
    {
        foreach (var key in new[] { $"{call.StepId}|{call.Provider}", $"{call.StepId}|" })
        {
            if (_calls.TryGetValue(key, out var queue) && queue.TryDequeue(out var respond))
            {
                return respond(call, at);
            }
        }

        return new ActivityCompleted(call.StepId, at, call.Provider,
            call.ActionId.StartsWith("guard.", StringComparison.Ordinal) ? GuardVerdict.Continue() : WorkflowTestSupport.ToJson(new { text = "ok" }));
    }

    private Func<DateTimeOffset, JsonElement> _conversation = _ => Omni.Engine.Conversations.ConversationState.Empty.ToJson();

    /// <summary>What the host reads as the conversation's state at a time (default: an empty conversation).</summary>
    public Script Conversation(Func<DateTimeOffset, Omni.Engine.Conversations.ConversationState> state)
    {
        _conversation = at => state(at).ToJson();
        return this;
    }

    public JsonElement ConversationAt(DateTimeOffset at) => _conversation(at);

    public (string Name, TimeSpan After, JsonElement? Payload)? EventFor(string stepId, string name) =>
        _events.TryGetValue(stepId, out var e) && e.Name == name ? e : null;

    private Script Enqueue(string stepId, string? provider, Func<CallActivity, DateTimeOffset, HistoryEntry> respond)
    {
        var key = $"{stepId}|{provider}";
        if (!_calls.TryGetValue(key, out var queue))
        {
            _calls[key] = queue = new Queue<Func<CallActivity, DateTimeOffset, HistoryEntry>>();
        }

        queue.Enqueue(respond);
        return this;
    }
}

/// <summary>decisions[i] is what the interpreter decided after the first i history entries.</summary>
internal sealed record Recording(IReadOnlyList<Decision> Decisions, RunHistory History)
{
    public Complete Result => Assert.IsType<Complete>(Decisions[^1]);

    public IEnumerable<T> All<T>() where T : Decision => Decisions.OfType<T>();

    /// <summary>Runs the interpreter against a scripted executor the way a host drives it: one decision, one history entry.</summary>
    public static Recording Drive(WorkflowDefinition definition, OmniEvent evt, Script? script = null)
    {
        script ??= new Script();
        var history = RunHistory.Empty;
        var now = WorkflowInterpreter.StartOf(evt);
        var decisions = new List<Decision>();
        for (var i = 0; i < 200; i++)
        {
            var decision = WorkflowInterpreter.Decide(definition, evt, history);
            decisions.Add(decision);
            HistoryEntry entry;
            switch (decision)
            {
                case Complete:
                    return new Recording(decisions, history);
                case CallActivity call:
                    now = now.AddSeconds(1);
                    entry = script.Respond(call, now);
                    break;
                case StartTimer timer:
                    now = timer.FireAt > now ? timer.FireAt : now;
                    entry = new TimerFired(timer.StepId, now);
                    break;
                case WaitForExternalEvent wait when wait.Names.Select(name => script.EventFor(wait.StepId, name)).FirstOrDefault(e => e is not null) is { } raised
                                                    && now + raised.After < wait.Deadline:
                    now += raised.After;
                    entry = new ExternalEventReceived(wait.StepId, now, raised.Name, raised.Payload);
                    break;
                case ReadConversation read:
                    entry = new ConversationRead(read.StepId, now, script.ConversationAt(now));
                    break;
                case WaitForExternalEvent wait:
                    now = wait.Deadline > now ? wait.Deadline : now;
                    entry = new TimerFired(wait.StepId, now);
                    break;
                default:
                    throw new InvalidOperationException(decision.GetType().Name);
            }

            history = history.Append(entry);
        }

        throw new InvalidOperationException("the run did not complete within 200 decisions");
    }
}
