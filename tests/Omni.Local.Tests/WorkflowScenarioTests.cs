using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Omni.Local.Queue;
using Omni.Local.Tests.Support;
using Omni.TestSupport;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Omni.Local.Tests;

/// <summary>
/// The seed playbooks end to end through Omni.Local: webhook → normalizer → workflow-runs → runner → the Evolution
/// send API and the OpenAI-compatible agent, both WireMock servers answering with the real shapes.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class WorkflowScenarioTests(AzuriteFixture azurite) : IDisposable
{
    private const string SendText = "/message/sendText/evo-demo";
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    private async Task<OmniHost> StartAsync()
    {
        _server.Given(Request.Create().WithPath(SendText).UsingPost()).RespondWith(Response.Create().WithStatusCode(201).WithBodyAsJson(new
        {
            key = new { remoteJid = "5511999990001@s.whatsapp.net", fromMe = true, id = "3EB0REPLY0000001" },
            status = "PENDING",
            message = new { conversation = "ok" },
            messageType = "conversation",
            messageTimestamp = 1764000100,
        }));
        _server.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new
        {
            id = "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
            @object = "chat.completion",
            created = 1741570283,
            model = "gpt-4o-mini-2024-07-18",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = "Tudo ótimo, e você?" }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 26, completion_tokens = 12, total_tokens = 38 },
        }));
        var url = _server.Urls[0];
        return await OmniHost.StartAsync(azurite, consumer: false, settings: new Dictionary<string, string?>
        {
            [$"Omni:Instances:{OmniHost.Instance}:ServerUrl"] = url,
            [$"Omni:Instances:{OmniHost.Instance}:ApiKey"] = "evo-api-key",
            [$"Omni:Instances:{OmniHost.Instance}:EvolutionInstance"] = "evo-demo",
            ["Omni:Agents:default:Endpoint"] = url + "/v1",
            ["Omni:Agents:default:ApiKey"] = "sk-agent",
            ["Omni:Agents:default:Model"] = "gpt-4o-mini",
        });
    }

    private static async Task DrainAsync(OmniHost host)
    {
        var runs = host.Services.GetRequiredService<WorkflowRunConsumer>();
        while (await host.Consumer.DrainOnceAsync(CancellationToken.None) + await runs.DrainOnceAsync(CancellationToken.None) > 0)
        {
        }
    }

    [Fact]
    public async Task DirectText_DeliveredTwice_ExactlyOneAgentReplyThroughEvolution()
    {
        await using var host = await StartAsync();
        var payload = EvolutionPayloads.Text("3EB0DIRECT00001", "Oi, tudo bem?");
        await host.IngestAsync(payload);
        await host.IngestAsync(payload); // duplicate delivery
        await DrainAsync(host);

        var sent = Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == SendText);
        Assert.Equal("evo-api-key", sent.RequestMessage!.Headers!["apikey"].Single());
        var body = JsonSerializer.Deserialize<JsonElement>(sent.RequestMessage.Body!);
        Assert.Equal("Tudo ótimo, e você?", body.GetProperty("text").GetString());
        Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == "/v1/chat/completions");

        var eventId = Assert.Single(await host.ListEventsAsync()).GetProperty("event_id").GetString()!;
        var run = Assert.Single((await host.GetJsonAsync($"/api/events/{eventId}/actions")).GetProperty("runs").EnumerateArray());
        Assert.Equal("completed", run.GetProperty("outcome").GetString());
        Assert.Equal(["guard.rate_limit", "route.agent.default", "route.reply"],
            run.GetProperty("audit").EnumerateArray().Select(a => a.GetProperty("action_id").GetString()));
    }

    [Fact]
    public async Task SelfMessage_NoReply()
    {
        await using var host = await StartAsync();
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0SELF000001", "nota pra mim", "5511999990001@s.whatsapp.net", 1764000000, fromMe: true));
        await DrainAsync(host);

        Assert.DoesNotContain(_server.LogEntries, e => e.RequestMessage!.Path == SendText);
        Assert.DoesNotContain(_server.LogEntries, e => e.RequestMessage!.Path == "/v1/chat/completions");
        var eventId = Assert.Single(await host.ListEventsAsync()).GetProperty("event_id").GetString()!;
        var runs = (await host.GetJsonAsync($"/api/events/{eventId}/actions")).GetProperty("runs").EnumerateArray().ToList();
        Assert.Contains(runs, r => r.GetProperty("workflow_id").GetString() == "ignore-self" && r.GetProperty("outcome").GetString() == "skipped");
    }
}
