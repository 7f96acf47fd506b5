using System.Text.Json;
using Json.Schema;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Actions;

namespace Omni.Engine.Tests.Workflows;

/// <summary>
/// docs/workflow.schema.json as an editor sees it: validated with JsonSchema.Net (draft 2020-12), a document with one bad
/// step gets exactly one error, at that step (step kinds and actions are told apart with if/then, not oneOf/anyOf,
/// which report the errors of every alternative).
/// </summary>
public class WorkflowSchemaEditorTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromText(
        WorkflowJsonSchema.Generate(ActionRegistry.Default), new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    private const string GoodSteps = """
        {"id": "vip", "action": "guard.contact_override.vip", "with": {"handles": ["5511999990001@s.whatsapp.net"], "agent": "concierge"}},
        {"id": "ask", "action": "route.agent.default", "with": {"agent": "{{ steps.vip.output.agent }}"}, "retry": {"max_attempts": 3}},
        {"id": "long", "if": "steps.ask.output.text != ''", "then": [{"id": "reply", "action": "route.reply", "with": {"text": "{{ steps.ask.output.text }}"}}]},
        {"id": "done", "stop": "answered", "when": "true"}
        """;

    private static JsonElement Document(string extraStep) =>
        JsonDocument.Parse($$"""
            {"id": "demo", "version": 1, "trigger": {"event_kinds": ["message"]}, "steps": [{{GoodSteps}}{{extraStep}}]}
            """).RootElement.Clone();

    /// <summary>
    /// The errors an editor shows, as "instance location (schema path): keyword: message": the keyword errors of every
    /// failing schema whose enclosing schemas fail too (a failing alternative of a passing anyOf is no error), leaving
    /// out what an <c>if</c> found (it only selects <c>then</c> or <c>else</c>).
    /// </summary>
    private static List<string> EditorErrors(JsonElement document)
    {
        var results = Schema.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        var errors = new List<string>();
        Collect(results, errors);
        Assert.Equal(errors.Count == 0, results.IsValid);
        return errors;
    }

    private static void Collect(EvaluationResults result, List<string> errors)
    {
        var path = result.EvaluationPath.ToString();
        var selector = path.EndsWith("/if", StringComparison.Ordinal) && !path.EndsWith("/properties/if", StringComparison.Ordinal);
        if (result.IsValid || selector)
        {
            return;
        }

        errors.AddRange((result.Errors ?? new Dictionary<string, string>()).Select(e => $"{result.InstanceLocation} ({result.EvaluationPath}): {e.Key}: {e.Value}"));
        foreach (var detail in result.Details ?? [])
        {
            Collect(detail, errors);
        }
    }

    [Fact]
    public void GoodDocument_NoErrors() => Assert.Empty(EditorErrors(Document("")));

    [Theory]
    [InlineData("unknown parameter", """{"id": "bad", "action": "route.reply", "with": {"text": "hi", "txet": "typo"}}""", "/steps/4/with/txet")]
    [InlineData("parameter of the wrong type", """{"id": "bad", "action": "guard.rate_limit", "with": {"limit": "ten", "window": "1m"}}""", "/steps/4/with/limit")]
    [InlineData("parameter out of range", """{"id": "bad", "action": "guard.rate_limit", "with": {"limit": 0, "window": "1m"}}""", "/steps/4/with/limit")]
    [InlineData("enum value", """{"id": "bad", "action": "guard.self_route", "with": {"mode": "drop"}}""", "/steps/4/with/mode")]
    [InlineData("missing required parameter", """{"id": "bad", "action": "guard.rate_limit", "with": {"limit": 3}}""", "/steps/4/with")]
    [InlineData("missing with", """{"id": "bad", "action": "route.reply"}""", "/steps/4")]
    [InlineData("unknown action", """{"id": "bad", "action": "route.replay", "with": {"text": "hi"}}""", "/steps/4/action")]
    [InlineData("unknown step key", """{"id": "bad", "action": "route.reply", "with": {"text": "hi"}, "retries": 3}""", "/steps/4/retries")]
    [InlineData("providers on an action without any", """{"id": "bad", "action": "route.reply", "with": {"text": "hi"}, "providers": ["groq"]}""", "/steps/4/providers")]
    [InlineData("unknown provider", """{"id": "bad", "action": "transform.stt.audio", "providers": ["whisper"]}""", "/steps/4/providers/0")]
    [InlineData("bad duration", """{"id": "bad", "action": "route.reply", "with": {"text": "hi"}, "after": "2 hours"}""", "/steps/4/after")]
    [InlineData("bad step id", """{"id": "Bad Step", "action": "route.reply", "with": {"text": "hi"}}""", "/steps/4/id")]
    [InlineData("if step without then", """{"id": "bad", "if": "is_group"}""", "/steps/4")]
    [InlineData("stop step with an action key", """{"id": "bad", "stop": "no", "with": {"text": "hi"}}""", "/steps/4/with")]
    [InlineData("no kind", """{"id": "bad", "with": {"text": "hi"}}""", "/steps/4")]
    [InlineData("not a mapping", "\"route.reply\"", "/steps/4")]
    [InlineData("bad label", """{"id": "bad", "action": "guard.contact_override.VIP"}""", "/steps/4/action")]
    public void OneBadStep_ExactlyOneError(string what, string badStep, string location)
    {
        var errors = EditorErrors(Document(", " + badStep));
        Assert.True(errors.Count == 1, $"{what}: expected one error, got {errors.Count}:\n{string.Join("\n", errors)}");
        Assert.StartsWith(location + " (", errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void OneBadStepInsideABranch_ExactlyOneError()
    {
        var errors = EditorErrors(Document("""
            , {"id": "outer", "if": "is_group", "then": [{"id": "bad", "action": "route.reply", "with": {"text": 5}}]}
            """));
        Assert.True(errors.Count == 1, string.Join("\n", errors));
        Assert.StartsWith("/steps/4/then/0/with/text (", errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void TwoBadSteps_TwoErrors()
    {
        var errors = EditorErrors(Document("""
            , {"id": "bad1", "action": "route.replay"}, {"id": "bad2", "action": "route.reply", "with": {"txet": "hi", "text": "hi"}}
            """));
        Assert.True(errors.Count == 2, string.Join("\n", errors));
    }
}
