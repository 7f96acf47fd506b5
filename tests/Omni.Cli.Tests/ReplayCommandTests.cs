using Omni.Cli.Tests.Support;

namespace Omni.Cli.Tests;

/// <summary><c>omni replay</c> against a real Omni.Local: the count the route answers, then the drained queue.</summary>
[Collection(UsesAzurite.Name)]
public sealed class ReplayCommandTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Replay_Since_ReplaysTheArchivedPayload_AndWaitsForTheQueue()
    {
        await using var host = await OmniHost.StartAsync(azurite);
        await host.IngestAsync(await File.ReadAllBytesAsync(Payloads.WriteTextMessage("3EBCLI0000000000000020", "replay me")));
        await OmniHost.EventuallyAsync(() => host.ListEventsAsync(), e => e.Count == 1, "the event");

        var result = await CliRunner.RunAsync(host, "replay", "--instance", OmniHost.Instance, "--since", "1h", "--timeout", "60");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("replayed 1 archived payload(s) of demo", result.Output, StringComparison.Ordinal);
        Assert.Contains("the ingest queue is empty", result.Output, StringComparison.Ordinal);
        Assert.Single(await host.ListEventsAsync()); // idempotent: no second event
    }

    [Fact]
    public async Task Replay_UnknownInstance_ExitsOneNotFound()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);

        var result = await CliRunner.RunAsync(host, "replay", "--instance", "nobody", "--since", "1h");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("404 not_found", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_WithoutAWindow_ExitsTwo()
    {
        var result = await CliRunner.RunAsync(null, "replay", "--instance", "demo");

        Assert.Equal(2, result.ExitCode);
    }
}
