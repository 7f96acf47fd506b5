using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Cli.Tests.Support;

namespace Omni.Cli.Tests;

/// <summary><c>omni drift</c> and <c>omni explain</c> against a real Omni.Local on loopback, with the output asserted.</summary>
[Collection(UsesAzurite.Name)]
public sealed class DriftAndExplainCommandTests(AzuriteFixture azurite)
{
    /// <summary>The repository's text message, sent in a group by a participant: no seed playbook answers groups.</summary>
    private static string WriteGroupMessage(string messageId)
    {
        var json = JsonNode.Parse(File.ReadAllText(Payloads.WriteTextMessage(messageId, "oi grupo")))!;
        json["data"]!["key"]!["remoteJid"] = "120363000000000401@g.us";
        json["data"]!["key"]!["participant"] = "5511999990004@s.whatsapp.net";
        return Payloads.WriteTemp(json.ToJsonString(), ".json");
    }

    private static async Task<string> StoreAsync(OmniHost host, string path)
    {
        await host.IngestAsync(await File.ReadAllBytesAsync(path));
        var events = await OmniHost.EventuallyAsync(() => host.ListEventsAsync(), e => e.Count == 1, "the event");
        return events[0].GetProperty("event_id").GetString()!;
    }

    [Fact]
    public async Task Drift_Since_ShowsTheShapeComparedWithNoDrift()
    {
        await using var host = await OmniHost.StartAsync(azurite);
        await StoreAsync(host, Payloads.WriteTextMessage("3EBCLI0000000000000030", "drift me"));

        var result = await CliRunner.RunAsync(host, "drift", "--instance", OmniHost.Instance, "--since", "1h");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("evolution normalizer v1: 1 payload(s), 1 event(s) compared, 0 differ", result.Output, StringComparison.Ordinal);
        Assert.Contains("messages.upsert/conversation", result.Output, StringComparison.Ordinal);
        Assert.Contains("no drift", result.Output, StringComparison.Ordinal);

        var json = await CliRunner.RunAsync(host, "drift", "--instance", OmniHost.Instance, "--since", "1h", "--json");
        Assert.Equal(1, JsonSerializer.Deserialize<JsonElement>(json.Output).GetProperty("events_compared").GetInt32());
    }

    [Fact]
    public async Task Drift_WithoutAWindow_ExitsTwo()
    {
        var result = await CliRunner.RunAsync(null, "drift", "--instance", "demo");

        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task Explain_GroupMessage_PrintsTheSentences_NoTriggerMatched()
    {
        await using var host = await OmniHost.StartAsync(azurite);
        var eventId = await StoreAsync(host, WriteGroupMessage("3EBCLI0000000000000031"));

        var result = await CliRunner.RunAsync(host, "explain", eventId);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Event {eventId} is a message/text on instance demo from 5511999990004@s.whatsapp.net (from_me: false).", result.Output, StringComparison.Ordinal);
        Assert.Contains("was false with from_me = false, is_group = true.", result.Output, StringComparison.Ordinal);
        Assert.Contains("Omni did not act on this event: no workflow's trigger matched it.", result.Output, StringComparison.Ordinal);

        var json = await CliRunner.RunAsync(host, "explain", eventId, "--json");
        Assert.Equal("did_not_act", JsonSerializer.Deserialize<JsonElement>(json.Output).GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Explain_UnknownEvent_ExitsOneNotFound()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);

        var result = await CliRunner.RunAsync(host, "explain", "evt_demo_00000000000000000000000000000000");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("404 not_found", result.Error, StringComparison.Ordinal);
    }
}
