using System.Text.RegularExpressions;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Actions;
using Omni.TestSupport;

namespace Omni.Engine.Tests.Workflows;

public partial class WorkflowEngineHygieneTests
{
    private static string SourceDirectory => Path.Combine(EventExpectations.RepoRoot(), "src", "Omni.Engine", "Workflows");

    /// <summary>Clock, GUID, randomness and I/O calls that would break replay inside an orchestrator.</summary>
    [GeneratedRegex(@"\b(DateTime(Offset)?\.(Now|UtcNow|Today)|Guid\.NewGuid|new\s+Random\b|Random\.Shared|Stopwatch|Environment\.TickCount|TimeProvider|Task\.Delay|Thread\.Sleep|File\.|Directory\.|HttpClient)")]
    private static partial Regex Forbidden();

    [Fact]
    public void WorkflowSources_NoClockGuidRandomOrIo()
    {
        var files = Directory.GetFiles(SourceDirectory, "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        var hits = files
            .SelectMany(file => File.ReadAllLines(file).Select((line, i) => (file, line, i)))
            .Where(x => Forbidden().IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(SourceDirectory, x.file)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
        Assert.True(hits.Count == 0, "non-deterministic calls in workflow code:\n" + string.Join("\n", hits));
    }

    /// <summary>
    /// docs/workflow.schema.json is generated from the registry. To regenerate after changing an action:
    /// <c>OMNI_UPDATE_SCHEMA=1 dotnet test --filter WorkflowSchema</c>.
    /// </summary>
    [Fact]
    public void WorkflowSchema_CheckedInFile_MatchesRegistry()
    {
        var path = Path.Combine(EventExpectations.RepoRoot(), "docs", "workflow.schema.json");
        var generated = WorkflowJsonSchema.Generate(ActionRegistry.Default);
        if (Environment.GetEnvironmentVariable("OMNI_UPDATE_SCHEMA") == "1")
        {
            File.WriteAllText(path, generated);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run OMNI_UPDATE_SCHEMA=1 dotnet test --filter WorkflowSchema");
        Assert.True(File.ReadAllText(path) == generated,
            "docs/workflow.schema.json is out of date with the action registry; run OMNI_UPDATE_SCHEMA=1 dotnet test --filter WorkflowSchema");
    }

    [Fact]
    public void WorkflowSchema_EveryActionHasConditionalParameters()
    {
        var schema = WorkflowJsonSchema.Build(ActionRegistry.Default);
        var defs = schema["$defs"]!.AsObject();
        foreach (var action in ActionRegistry.Default.Actions)
        {
            var with = defs[$"with.{action.Id}"]!.AsObject();
            Assert.Equal(action.Parameters.Select(p => p.Name), with["properties"]!.AsObject().Select(p => p.Key));
        }

        Assert.Equal(ActionRegistry.Default.Actions.Count, defs["action_step"]!["allOf"]!.AsArray().Count);
        Assert.Equal("integer", defs["with.guard.rate_limit"]!["properties"]!["limit"]!["type"]!.GetValue<string>());
        Assert.Equal(["text"], defs["with.route.reply"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void Registry_BuiltIns_CategoriesSideEffectsAndLabels()
    {
        var registry = ActionRegistry.Default;
        Assert.Equal(21, registry.Actions.Count);
        Assert.Equal(
            ["meta.notify.webhook", "route.escalate.human", "route.forward.cross_channel", "route.reply"],
            registry.Actions.Where(a => a.IsSideEffect).Select(a => a.Id).Order(StringComparer.Ordinal));
        Assert.Equal(registry.Actions.Select(a => a.Category).Order(), registry.Actions.Select(a => a.Category));
        var resolved = registry.Resolve("guard.contact_override.partner");
        Assert.Equal(("guard.contact_override", "partner"), (resolved!.Descriptor.Id, resolved.Label));
        Assert.Null(registry.Resolve("route.reply.extra"));
        Assert.Equal(["groq", "openai", "assemblyai"], registry.Resolve("transform.stt.audio")!.Descriptor.Providers);
    }

    [Fact]
    public void Registry_InvalidOrDuplicateId_Rejected()
    {
        var reply = ActionRegistry.Default.Resolve("route.reply")!.Descriptor;
        Assert.Throws<ArgumentException>(() => new ActionRegistry([reply, reply]));
        Assert.Throws<ArgumentException>(() => new ActionRegistry([reply with { Id = "reply" }]));
        Assert.Throws<ArgumentException>(() => new ActionRegistry([reply with { Id = "sideways.reply" }]));
    }
}
