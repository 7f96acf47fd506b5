using Omni.Cli.Tests.Support;

namespace Omni.Cli.Tests;

/// <summary><c>omni --help</c>, usage errors (exit 2) and an unreachable host (exit 1), without a running Omni.</summary>
public sealed class HelpAndUsageTests
{
    [Fact]
    public async Task Help_ListsEveryCommandAndTheGlobalOptions()
    {
        var result = await CliRunner.RunAsync(null, "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var expected in new[] { "events", "replay", "workflows", "send", "drift", "explain", "--url", "--key", "--json" })
        {
            Assert.Contains(expected, result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Help_OfWorkflows_ListsItsSubcommands()
    {
        var result = await CliRunner.RunAsync(null, "workflows", "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var expected in new[] { "list", "get", "validate", "put", "diff" })
        {
            Assert.Contains(expected, result.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("events")]
    [InlineData("events", "list", "--nope")]
    [InlineData("send", "x.json")]
    [InlineData("send", "x.json", "--instance", "demo", "--provider", "carrier-pigeon")]
    public async Task Usage_Malformed_ExitsTwoWithTheReason(params string[] args)
    {
        var result = await CliRunner.RunAsync(null, args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("omni --help", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_MissingFile_ExitsTwo()
    {
        var result = await CliRunner.RunAsync(null, "workflows", "validate", "/nonexistent/omni-workflow.yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot read", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_UnreachableHost_ExitsOneNamingTheAddress()
    {
        var result = await CliRunner.RunAsync(null, "events", "list", "--url", "http://127.0.0.1:1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot reach Omni at http://127.0.0.1:1/", result.Error, StringComparison.Ordinal);
    }
}
