using System.Globalization;
using System.Text.Json;
using Omni.Engine.Workflows.Explaining;
using Omni.Engine.Workflows.Running;

namespace Omni.Services.Workflows.Explain;

/// <summary>The explain trace in plain sentences, in the trace's order: the event, each workflow's trigger, each run's steps, the verdict. Pure.</summary>
public static class ExplainSentences
{
    public static IReadOnlyList<string> Write(EventExplanation explanation)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        var e = explanation;
        var lines = new List<string>
        {
            $"Event {e.EventId} is a {e.EventKind}/{e.ContentType} on instance {e.Instance}" +
            (e.SenderHandle is null ? "" : $" from {e.SenderHandle}") + $" (from_me: {Lower(e.FromMe)}).",
        };
        var inEffect = e.Workflows.Where(w => w.InEffect).ToList();
        lines.Add(inEffect.Count == 0
            ? $"No workflow is in effect for {e.Instance}."
            : $"{inEffect.Count} workflow(s) in effect for {e.Instance}: {string.Join(", ", inEffect.Select(w => $"{w.WorkflowId} v{w.Version}"))}.");

        foreach (var workflow in e.Workflows)
        {
            var name = $"{workflow.WorkflowId} v{workflow.Version}" + (workflow.InEffect ? "" : " (not in effect now)");
            lines.Add($"{name} {Trigger(workflow.Trigger)}");
            foreach (var run in workflow.Runs)
            {
                lines.AddRange(Run(run));
            }

            if (workflow.Trigger.Matched && workflow.Runs.Count == 0)
            {
                lines.Add($"{name} has no run recorded for this event (it may have been stored after the event, or not started yet).");
            }
        }

        lines.AddRange(e.Recorded.Select(r => $"Recorded by {r.Source}{(r.WorkflowId is null ? "" : $" for {r.WorkflowId}")}: {r.Outcome}{(r.Detail is null ? "" : $": {r.Detail}")}."));
        lines.Add(e.Verdict switch
        {
            EventExplanation.Acted => "Omni acted on this event.",
            EventExplanation.Waiting => "Omni has not finished with this event: a run is still waiting or running.",
            _ when !e.Workflows.Any(w => w.Trigger.Matched) => "Omni did not act on this event: no workflow's trigger matched it.",
            _ => "Omni did not act on this event: every run it started ended without a side effect.",
        });
        return lines;
    }

    private static string Trigger(TriggerCheck t)
    {
        var parts = new List<string>();
        if (t.EventKindMatched is { } kind)
        {
            parts.Add($"event kind {t.EventKind} {(kind ? "is" : "is not")} in [{string.Join(", ", t.EventKinds)}]");
        }

        if (t.ContentTypeMatched is { } content)
        {
            parts.Add($"content type {t.ContentType} {(content ? "is" : "is not")} in [{string.Join(", ", t.ContentTypes)}]");
        }

        if (t.When is { } when && t.WhenHeld is { } held)
        {
            var values = t.WhenValues is { Count: > 0 } v ? $" with {string.Join(", ", v.Select(p => $"{p.Key} = {p.Value.GetRawText()}"))}" : "";
            var lists = t.WhenLists is { Count: > 0 } l ? $" (list {string.Join(", ", l.Select(p => $"'{p.Key}' of {p.Value.Count}"))})" : "";
            parts.Add(t.WhenError is { } error ? $"when `{when}` failed: {error}" : $"when `{when}` was {Lower(held)}{values}{lists}");
        }
        else if (t.When is null && t.Matched)
        {
            parts.Add("it has no when condition");
        }

        var because = parts.Count == 0 ? "" : ": " + string.Join("; ", parts);
        return (t.Matched ? "matched" : "did not match") + because + ".";
    }

    private static IEnumerable<string> Run(RunExplanation run)
    {
        yield return run.Status == RunStatuses.Completed
            ? $"Run {run.RunId} ended {run.Outcome}{(run.Summary is null ? "" : $" ({run.Summary})")}."
            : $"Run {run.RunId} is {run.Status}.";
        foreach (var step in run.Steps)
        {
            yield return Step(step);
        }

        foreach (var timer in run.PendingTimers)
        {
            yield return $"Pending: step {timer.StepId} holds a {timer.Purpose} timer until {Format(timer.FireAt)}" +
                         (timer.WaitingFor is null ? "." : $", waiting for '{timer.WaitingFor}'.");
        }
    }

    private static string Step(StepExplanation s)
    {
        var name = s.ActionId is null ? $"Step {s.StepId} ({s.Type})" : $"Step {s.StepId} ({s.ActionId})";
        if (s.Guard is { } guard)
        {
            var said = $"{name} said {guard.Verdict}" + (guard.Reason is null ? "" : $": {guard.Reason}");
            var rule = guard.Rule is null ? "" : $"; rule: {guard.Rule}";
            var read = guard.State is { ValueKind: JsonValueKind.Object } state
                ? "; it read " + string.Join(", ", state.EnumerateObject().Where(p => p.Name != "rule").Select(p => $"{p.Name} = {Value(p.Value)}"))
                : "";
            return said + rule + read + ".";
        }

        var text = s.Status switch
        {
            StepExplanation.NotReached => $"{name} was not reached",
            StepExplanation.Pending => $"{name} is pending{(s.Detail is null ? "" : $": {s.Detail}")}",
            StepStatuses.Skipped => $"{name} was skipped: {s.Detail ?? "when was false"}{(s.When is null ? "" : $" (when `{s.When}`)")}",
            StepStatuses.Completed when s.Executed => $"{name} ran: completed{(s.Provider is null ? "" : $" via {s.Provider}")}{(s.Summary is { Length: > 0 } sum ? $" ({sum})" : "")}",
            StepStatuses.Completed => $"{name} completed{(s.Detail is null ? "" : $": {s.Detail}")}",
            StepStatuses.Failed => $"{name} failed: {s.Error ?? s.Detail}",
            _ => $"{name}: {s.Status}{(s.Detail is null ? "" : $": {s.Detail}")}",
        };
        return text + (s.RepliedByEventId is null ? "" : $"; the reply was {s.RepliedByEventId}") + ".";
    }

    private static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Array => "[" + string.Join(", ", value.EnumerateArray().Select(Value)) + "]",
        _ => value.GetRawText(),
    };

    private static string Lower(bool value) => value ? "true" : "false";

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
