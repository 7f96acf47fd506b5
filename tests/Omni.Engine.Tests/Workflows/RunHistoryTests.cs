using System.Text.Json;
using Omni.Engine.Workflows.Running;
using static Omni.Engine.Tests.Workflows.WorkflowTestSupport;

namespace Omni.Engine.Tests.Workflows;

/// <summary>A run's history and identity refuse missing inputs by name; a guard's output is a verdict or nothing.</summary>
public class RunHistoryTests
{
    [Fact]
    public void RunHistory_NullEntries_ThrowsArgumentNullNamingTheEntries()
    {
        var error = Assert.Throws<ArgumentNullException>(() => new RunHistory(null!));
        Assert.Equal("entries", error.ParamName);
    }

    [Fact]
    public void RunHistory_AppendAndPrefix_KeepOrderAndLeaveTheOriginalAlone()
    {
        var first = new TimerFired("wait", T0);
        var second = new TimerFired("wait", T0.AddMinutes(1));
        var history = RunHistory.Empty.Append(first).Append(second);

        Assert.Equal([first, second], history.Entries);
        Assert.Equal(2, history.Count);
        Assert.Equal([first], history.Prefix(1).Entries);
        Assert.Equal(0, RunHistory.Empty.Count);
    }

    [Fact]
    public void RunId_NullEventId_ThrowsArgumentNullNamingIt()
    {
        var error = Assert.Throws<ArgumentNullException>(() => WorkflowRunId.For(null!, "wf", 1));
        Assert.Equal("eventId", error.ParamName);
    }

    [Fact]
    public void RunId_NullWorkflowId_ThrowsArgumentNullNamingIt()
    {
        var error = Assert.Throws<ArgumentNullException>(() => WorkflowRunId.For("evt_1", null!, 1));
        Assert.Equal("workflowId", error.ParamName);
    }

    [Theory]
    [InlineData("""{"verdict":"continue"}""", "continue", null, null)]
    [InlineData("""{"verdict":"stop","reason":"quiet hours"}""", "stop", "quiet hours", null)]
    [InlineData("""{"verdict":"defer","until":"2026-11-24T08:00:00Z","reason":"night"}""", "defer", "night", "2026-11-24T08:00:00Z")]
    public void GuardVerdict_Parse_Verdicts(string json, string verdict, string? reason, string? until)
    {
        var parsed = GuardVerdict.Parse(JsonDocument.Parse(json).RootElement);
        Assert.Equal(new GuardVerdict(verdict, reason, until is null ? null : DateTimeOffset.Parse(until, System.Globalization.CultureInfo.InvariantCulture)), parsed);
    }

    [Theory]
    [InlineData("""{"verdict":"defer"}""")]
    [InlineData("""{"verdict":"later"}""")]
    [InlineData("""{"text":"ok"}""")]
    [InlineData("""{"verdict":5}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""null""")]
    public void GuardVerdict_Parse_NotAVerdict_IsNull(string json) =>
        Assert.Null(GuardVerdict.Parse(JsonDocument.Parse(json).RootElement));

    [Theory]
    [InlineData("""{"verdict":"defer","until":"tomorrow"}""")]
    [InlineData("""{"verdict":"defer","until":""}""")]
    [InlineData("""{"verdict":"defer","until":1767225600}""")]
    public void Bug_GuardVerdict_Parse_UntilNotATime_IsNullNotAnException(string json) =>
        Assert.Null(GuardVerdict.Parse(JsonDocument.Parse(json).RootElement));
}
