using System.Net;
using System.Text;
using System.Text.Json;
using Omni.Local.Tests.Support;
using Omni.TestSupport;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Omni.Local.Tests;

/// <summary>
/// <c>validate.safety</c> end to end through Omni.Local: the agent's answer is moderated (OpenAI's moderation endpoint on
/// WireMock) before <c>route.reply</c>; a flagged answer is never sent and the run says which categories flagged it.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class SafetyScenarioTests(AzuriteFixture azurite) : IDisposable
{
    private const string SendText = "/message/sendText/evo-demo";
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AgentAnswerModeratedBeforeTheReply_FlaggedNeverSent(bool flagged)
    {
        var url = _server.Urls[0];
        _server.Given(Request.Create().WithPath(SendText).UsingPost()).RespondWith(Response.Create().WithStatusCode(201).WithBodyAsJson(new
        {
            key = new { remoteJid = "5511999990001@s.whatsapp.net", fromMe = true, id = "3EB0REPLY0000001" },
            status = "PENDING",
            messageTimestamp = 1764000100,
        }));
        _server.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new
        {
            id = "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
            @object = "chat.completion",
            model = "gpt-4o-mini-2024-07-18",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = "the agent's draft" }, finish_reason = "stop" } },
        }));
        _server.Given(Request.Create().WithPath("/v1/moderations").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new
        {
            id = "modr-0d9740456c391e43c445bf0f010940c7",
            model = "omni-moderation-latest",
            results = new[]
            {
                new
                {
                    flagged,
                    categories = new Dictionary<string, bool> { ["harassment"] = flagged, ["violence"] = flagged, ["sexual"] = false },
                    category_scores = new Dictionary<string, double> { ["harassment"] = flagged ? 0.81 : 0.0, ["violence"] = flagged ? 0.92 : 0.0 },
                },
            },
        }));
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: new Dictionary<string, string?>
        {
            [$"Omni:Instances:{OmniHost.Instance}:ServerUrl"] = url,
            [$"Omni:Instances:{OmniHost.Instance}:ApiKey"] = "evo-api-key",
            [$"Omni:Instances:{OmniHost.Instance}:EvolutionInstance"] = "evo-demo",
            ["Omni:Agents:default:Endpoint"] = url + "/v1",
            ["Omni:Agents:default:ApiKey"] = "sk-agent",
            ["Omni:Agents:default:Model"] = "gpt-4o-mini",
            ["Omni:Providers:openai:Endpoint"] = url + "/v1",
            ["Omni:Providers:openai:ApiKey"] = "sk-openai",
        });
        const string yaml = """
            id: reply-to-direct-text
            version: 2
            scope: demo
            description: Answer direct texts, but never send what moderation flags
            trigger:
              event_kinds: [message]
              content_types: [text]
              when: "!from_me && !is_group"
            steps:
              - id: ask-agent
                action: route.agent.default
              - id: safety
                action: validate.safety
                with: { text: "{{ steps.ask-agent.output.text }}" }
              - id: reply
                action: route.reply
                with: { text: "{{ steps.ask-agent.output.text }}" }
            """;
        using (var put = await host.Client.PutAsync("/api/workflows/reply-to-direct-text", new StringContent(yaml, Encoding.UTF8, "application/yaml")))
        {
            Assert.True(put.StatusCode == HttpStatusCode.Created, await put.Content.ReadAsStringAsync());
        }

        await host.IngestAsync(EvolutionPayloads.Text("3EB0SAFETY00001", "Oi, tudo bem?"));
        await host.DrainWorkflowsAsync();

        var moderated = Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == "/v1/moderations");
        Assert.Equal("the agent's draft", JsonSerializer.Deserialize<JsonElement>(moderated.RequestMessage!.Body!).GetProperty("input")[0].GetString());
        var eventId = Assert.Single(await host.ListEventsAsync()).GetProperty("event_id").GetString()!;
        var run = Assert.Single((await host.GetJsonAsync($"/api/events/{eventId}/actions")).GetProperty("runs").EnumerateArray());
        if (flagged)
        {
            Assert.DoesNotContain(_server.LogEntries, e => e.RequestMessage!.Path == SendText);
            Assert.Equal("skipped", run.GetProperty("outcome").GetString());
            var safety = run.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("step_id").GetString() == "safety");
            Assert.Equal("stopped", safety.GetProperty("status").GetString());
            Assert.Equal("blocked by validate.safety (openai): flagged for harassment, violence", safety.GetProperty("detail").GetString());
        }
        else
        {
            Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == SendText);
            Assert.Equal("completed", run.GetProperty("outcome").GetString());
        }
    }
}
