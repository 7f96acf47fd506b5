using System.Text.Json;
using Omni.Cli.Tests.Support;

namespace Omni.Cli.Tests;

/// <summary><c>omni shadow FILE --since 7d</c> against a real Omni.Local: the diff as a table, following the job with a progress bar.</summary>
[Collection(UsesAzurite.Name)]
public sealed class ShadowCommandTests(AzuriteFixture azurite)
{
    /// <summary>A candidate that thanks every direct text at once (the live seed asks an agent, which this host does not have, so it replied to none).</summary>
    private const string ThankEveryone = """
        id: reply-to-direct-text
        version: 2
        scope: "*"
        description: Thank every direct text
        trigger:
          event_kinds: [message]
          content_types: [text]
          when: "!from_me && !is_group && text != null && text != ''"
        steps:
          - id: thank
            action: route.reply
            with: { text: "Obrigado!" }

        """;

    private static async Task<List<string>> SeedAsync(OmniHost host)
    {
        var now = DateTimeOffset.UtcNow;
        await host.IngestAsync(await File.ReadAllBytesAsync(Payloads.WriteTextMessage("3EBCLISHADOW000001", "oi", now.AddDays(-3))));
        await host.IngestAsync(await File.ReadAllBytesAsync(Payloads.WriteTextMessage("3EBCLISHADOW000002", "tudo bem?", now.AddDays(-2))));
        await host.DrainWorkflowsAsync();
        return [.. (await host.ListEventsAsync()).Select(e => e.GetProperty("event_id").GetString()!)];
    }

    [Fact]
    public async Task Shadow_Since7d_FollowsTheJob_PrintsTheChangedEventsAndTotals()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: new Dictionary<string, string?> { ["Omni:Shadow:EventsPerRequest"] = "1" });
        var events = await SeedAsync(host);
        var file = Payloads.WriteTemp(ThankEveryone, ".yaml");

        var result = await CliRunner.RunAsync(host, "shadow", file, "--instance", OmniHost.Instance, "--since", "7d");

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        foreach (var id in events)
        {
            Assert.Contains(id, result.Output, StringComparison.Ordinal);
        }

        Assert.Contains("+route.reply", result.Output, StringComparison.Ordinal);
        Assert.Contains("completed: route.reply", result.Output, StringComparison.Ordinal);
        Assert.Contains("reply-to-direct-text v2 over 2 event(s) of demo", result.Output, StringComparison.Ordinal);
        Assert.Contains("+2 replies", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shadow_Json_PrintsTheCompletedAnswer()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        await SeedAsync(host);
        var file = Payloads.WriteTemp(ThankEveryone, ".yaml");

        var result = await CliRunner.RunAsync(host, "shadow", file, "--instance", OmniHost.Instance, "--since", "7d", "--json");

        Assert.Equal(0, result.ExitCode);
        var answer = JsonSerializer.Deserialize<JsonElement>(result.Output);
        Assert.Equal(("completed", "+2 replies"), (answer.GetProperty("status").GetString(), answer.GetProperty("summary").GetString()));
    }

    [Fact]
    public async Task Shadow_InvalidCandidate_PrintsTheErrorsUnderTheirLines_ExitsOne()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var file = Payloads.WriteTemp(ThankEveryone.Replace("route.reply", "route.no_such_reply", StringComparison.Ordinal), ".yaml");

        var result = await CliRunner.RunAsync(host, "shadow", file, "--instance", OmniHost.Instance, "--since", "7d");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("400 bad_request", result.Error, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(file) + ":11:", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shadow_WithoutAWindow_ExitsTwo()
    {
        var file = Payloads.WriteTemp(ThankEveryone, ".yaml");

        var result = await CliRunner.RunAsync(null, "shadow", file, "--instance", "demo");

        Assert.Equal(2, result.ExitCode);
    }
}
