using System.Text.Json;
using Omni.Cli.Output;

namespace Omni.Cli.Tests;

/// <summary>The pure renderers: validation errors with a caret, and the unified diff.</summary>
public sealed class OutputTests
{
    [Fact]
    public void SourceErrors_PutsTheCaretUnderTheColumn()
    {
        var errors = JsonSerializer.Deserialize<JsonElement>("""[{"code":"unknown_action","message":"no action 'x.y'","line":2,"column":13}]""");

        var text = SourceErrors.Render("w.yaml", "id: w\n    action: x.y\n", errors);

        Assert.Equal("w.yaml:2:13: error unknown_action: no action 'x.y'\n 2 |     action: x.y\n   |             ^", text);
    }

    [Fact]
    public void SourceErrors_WithoutALine_PrintsTheMessageOnly()
    {
        var errors = JsonSerializer.Deserialize<JsonElement>("""[{"code":"yaml","message":"empty"}]""");

        Assert.Equal("w.yaml: error yaml: empty", SourceErrors.Render("w.yaml", "", errors));
    }

    [Fact]
    public void UnifiedDiff_OneChangedLine_OneHunkWithContext()
    {
        var before = string.Join('\n', Enumerable.Range(1, 10).Select(i => $"line {i}")) + "\n";
        var after = before.Replace("line 5\n", "line five\n", StringComparison.Ordinal);

        var diff = UnifiedDiff.Compute(before, after, "a", "b");

        Assert.Equal("--- a\n+++ b\n@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+line five\n line 6\n line 7\n line 8", diff);
    }

    [Fact]
    public void UnifiedDiff_SameLines_IsEmpty()
    {
        Assert.Equal("", UnifiedDiff.Compute("a\nb\n", "a\r\nb\r\n", "x", "y"));
    }

    [Fact]
    public void UnifiedDiff_AppendedLine_NamesTheLineBefore()
    {
        Assert.Equal("--- x\n+++ y\n@@ -1,2 +1,3 @@\n a\n b\n+c", UnifiedDiff.Compute("a\nb\n", "a\nb\nc\n", "x", "y"));
    }
}
