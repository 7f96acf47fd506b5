using System.Text.Json;
using Omni.Cli.Tests.Support;

namespace Omni.Cli.Tests;

/// <summary><c>omni send</c> and <c>omni events list|get|tail</c> against a real Omni.Local on loopback with Azurite.</summary>
[Collection(UsesAzurite.Name)]
public sealed class EventsCommandTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Send_ThenListAndGet_ShowTheEvent()
    {
        await using var host = await OmniHost.StartAsync(azurite);
        var file = Payloads.WriteTextMessage("3EBCLI0000000000000001", "hello from the cli");

        var sent = await CliRunner.RunAsync(host, "send", file, "--instance", OmniHost.Instance);
        Assert.Equal(0, sent.ExitCode);
        Assert.Contains("accepted: ingest_id", sent.Output, StringComparison.Ordinal);

        var stored = await OmniHost.EventuallyAsync(() => host.ListEventsAsync(), e => e.Count == 1, "the sent event");
        var eventId = stored[0].GetProperty("event_id").GetString()!;

        var list = await CliRunner.RunAsync(host, "events", "list", "--instance", OmniHost.Instance, "--since", "3650d");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(eventId, list.Output, StringComparison.Ordinal);
        Assert.Contains("hello from the cli", list.Output, StringComparison.Ordinal);
        Assert.Contains("message/text", list.Output, StringComparison.Ordinal);
        Assert.Contains("1 event(s)", list.Output, StringComparison.Ordinal);

        var get = await CliRunner.RunAsync(host, "events", "get", eventId);
        Assert.Equal(0, get.ExitCode);
        Assert.Contains("sender_handle", get.Output, StringComparison.Ordinal);
        Assert.Contains("555199990001@s.whatsapp.net", get.Output, StringComparison.Ordinal);

        var json = await CliRunner.RunAsync(host, "events", "get", eventId, "--json");
        Assert.Equal("hello from the cli", JsonSerializer.Deserialize<JsonElement>(json.Output).GetProperty("text").GetString());
    }

    [Fact]
    public async Task List_Json_IsTheApisAnswer()
    {
        await using var host = await OmniHost.StartAsync(azurite);

        var result = await CliRunner.RunAsync(host, "events", "list", "--instance", OmniHost.Instance, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(0, JsonSerializer.Deserialize<JsonElement>(result.Output).GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task Get_UnknownEvent_ExitsOneWithTheErrorMessage()
    {
        await using var host = await OmniHost.StartAsync(azurite);

        var result = await CliRunner.RunAsync(host, "events", "get", "evt_demo_nope");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("404 not_found: no event 'evt_demo_nope'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WrongKeyOption_ExitsOneUnauthorized()
    {
        await using var host = await OmniHost.StartAsync(azurite);

        var result = await CliRunner.RunAsync(host, "events", "list", "--url", host.Client.BaseAddress!.ToString(), "--key", "wrong");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("401 unauthorized", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WrongSecret_ExitsOneUnauthorized()
    {
        await using var host = await OmniHost.StartAsync(azurite);
        var file = Payloads.WriteTextMessage("3EBCLI0000000000000002", "x");

        var result = await CliRunner.RunAsync(host, "send", file, "--instance", OmniHost.Instance, "--secret", "wrong");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("401 unauthorized: the x-webhook-secret header does not match", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_PrintsTheBacklogThenEachNewEventOnce_UntilCancelled()
    {
        await using var host = await OmniHost.StartAsync(azurite);
        await host.IngestAsync(await File.ReadAllBytesAsync(Payloads.WriteTextMessage("3EBCLI0000000000000010", "before the tail")));
        await OmniHost.EventuallyAsync(() => host.ListEventsAsync(), e => e.Count == 1, "the first event");

        var runner = new CliRunner(host);
        using var stop = new CancellationTokenSource();
        var tail = runner.InvokeAsync(stop.Token, "events", "tail", "--instance", OmniHost.Instance);
        await OmniHost.EventuallyAsync(() => Task.FromResult(runner.Console.Output), o => o.Contains("following new events", StringComparison.Ordinal), "the tail to start");
        Assert.Contains("before the tail", runner.Console.Output, StringComparison.Ordinal);

        await host.IngestAsync(await File.ReadAllBytesAsync(Payloads.WriteTextMessage("3EBCLI0000000000000011", "arrived while tailing", DateTimeOffset.UtcNow)));
        await OmniHost.EventuallyAsync(() => Task.FromResult(runner.Console.Output), o => o.Contains("arrived while tailing", StringComparison.Ordinal), "the tail to print the new event");
        await Task.Delay(1000); // several more polls: nothing is printed twice

        await stop.CancelAsync();
        var result = await tail;

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(1, Count(result.Output, "arrived while tailing"));
        Assert.Equal(1, Count(result.Output, "before the tail"));
    }

    private static int Count(string text, string what) => text.Split(what).Length - 1;
}
