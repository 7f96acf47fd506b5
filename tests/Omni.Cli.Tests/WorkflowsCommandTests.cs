using Omni.Cli.Tests.Support;

namespace Omni.Cli.Tests;

/// <summary><c>omni workflows list|get|validate|put|diff</c> against a real Omni.Local (with the seed playbooks).</summary>
[Collection(UsesAzurite.Name)]
public sealed class WorkflowsCommandTests(AzuriteFixture azurite)
{
    private static string IgnoreSelf(int version, string action = "guard.self_route") => $$"""
        id: ignore-self
        version: {{version}}
        scope: "*"
        description: Ignore messages sent by the instance itself
        trigger:
          event_kinds: [message]
          when: "from_me"
        steps:
          - id: ignore-own
            action: {{action}}
            with: { mode: ignore }

        """;

    [Fact]
    public async Task List_ShowsTheSeedPlaybooks()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);

        var result = await CliRunner.RunAsync(host, "workflows", "list");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("reply-to-direct-text", result.Output, StringComparison.Ordinal);
        Assert.Contains("ignore-self", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_PrintsTheYaml()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);

        var result = await CliRunner.RunAsync(host, "workflows", "get", "ignore-self");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("id: ignore-self", result.Output, StringComparison.Ordinal);
        Assert.Contains("action: guard.self_route", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_Invalid_PrintsEachErrorWithItsLineAndACaret_ExitsOne()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var file = Payloads.WriteTemp(IgnoreSelf(2, "guard.no_such_action"), ".yaml");

        var result = await CliRunner.RunAsync(host, "workflows", "validate", file);

        Assert.Equal(1, result.ExitCode);
        var lines = result.Output.Split('\n');
        var at = Array.FindIndex(lines, l => l.StartsWith(Path.GetFileName(file) + ":10:", StringComparison.Ordinal));
        Assert.True(at >= 0, result.Output);
        Assert.Contains("guard.no_such_action", lines[at], StringComparison.Ordinal);
        Assert.Equal(" 10 |     action: guard.no_such_action", lines[at + 1]);
        var column = int.Parse(lines[at].Split(':')[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(" " + new string(' ', 2) + " | " + new string(' ', column - 1) + "^", lines[at + 2]);
    }

    [Fact]
    public async Task Validate_SeveralErrors_EachPrintedWithItsLineAndCaret()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var file = Payloads.WriteTemp("""
            id: answer
            version: 1
            trigger:
              event_kinds: [message]
            steps:
              - id: ask-agent
                action: route.agent.default
              - id: reply
                action: route.reply
                with: { text: "{{ steps.ask-agent.output.txet }}", loud: true }
              - id: tell
                action: meta.notify.webhok

            """, ".yaml");

        var result = await CliRunner.RunAsync(host, "workflows", "validate", file);

        Assert.Equal(1, result.ExitCode);
        var lines = result.Output.Split('\n');
        var name = Path.GetFileName(file);
        foreach (var (position, what, source) in new[]
                 {
                     ("10:46", "did you mean 'text'?", " 10 |     with: { text: \"{{ steps.ask-agent.output.txet }}\", loud: true }"),
                     ("10:56", "no parameter 'loud'", " 10 |     with: { text: \"{{ steps.ask-agent.output.txet }}\", loud: true }"),
                     ("12:13", "meta.notify.webhok", " 12 |     action: meta.notify.webhok"),
                 })
        {
            var at = Array.FindIndex(lines, l => l.StartsWith($"{name}:{position}", StringComparison.Ordinal));
            Assert.True(at >= 0, $"{position} missing:\n{result.Output}");
            Assert.Contains(what, lines[at], StringComparison.Ordinal);
            Assert.Equal(source, lines[at + 1]);
            var column = int.Parse(position.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("    | " + new string(' ', column - 1) + "^", lines[at + 2]);
        }
    }

    [Fact]
    public async Task Validate_Valid_SaysSo()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var file = Payloads.WriteTemp(IgnoreSelf(2), ".yaml");

        var result = await CliRunner.RunAsync(host, "workflows", "validate", file);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("valid (ignore-self version 2)", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutThenDiff_StoresTheVersion_AndDiffsAgainstIt()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var v2 = Payloads.WriteTemp(IgnoreSelf(2), ".yaml");
        var v3 = Payloads.WriteTemp(IgnoreSelf(3).Replace("Ignore messages", "Skip messages", StringComparison.Ordinal), ".yaml");

        var put = await CliRunner.RunAsync(host, "workflows", "put", v2);
        Assert.Equal(0, put.ExitCode);
        Assert.Contains("stored ignore-self version 2", put.Output, StringComparison.Ordinal);

        var same = await CliRunner.RunAsync(host, "workflows", "diff", v2);
        Assert.Equal(0, same.ExitCode);
        Assert.Contains("is the same as stored ignore-self version 2", same.Output, StringComparison.Ordinal);

        var diff = await CliRunner.RunAsync(host, "workflows", "diff", v3);
        Assert.Equal(0, diff.ExitCode);
        Assert.Contains("--- ignore-self (stored, version 2)", diff.Output, StringComparison.Ordinal);
        Assert.Contains("+++ " + Path.GetFileName(v3), diff.Output, StringComparison.Ordinal);
        Assert.Contains("\n-version: 2\n+version: 3\n", diff.Output, StringComparison.Ordinal);
        Assert.Contains("\n-description: Ignore messages sent by the instance itself\n+description: Skip messages sent by the instance itself\n", diff.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_SameVersionAgain_ExitsOneWithTheConflict()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var file = Payloads.WriteTemp(IgnoreSelf(1), ".yaml");

        var result = await CliRunner.RunAsync(host, "workflows", "put", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("409 conflict", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_Invalid_PrintsTheErrorsWithCarets_ExitsOne()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var file = Payloads.WriteTemp(IgnoreSelf(2, "guard.no_such_action"), ".yaml");

        var result = await CliRunner.RunAsync(host, "workflows", "put", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("400 bad_request", result.Error, StringComparison.Ordinal);
        Assert.Contains(" 10 |     action: guard.no_such_action", result.Output, StringComparison.Ordinal);
    }
}
