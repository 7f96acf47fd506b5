using System.Net;
using System.Text;
using System.Text.Json;
using Omni.Local.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Omni.Local.Tests;

/// <summary>
/// A workflow that summarizes, tags and logs, run end to end through Omni.Local (webhook → normalizer → runner, the agent a
/// WireMock server at the OpenAI chat shape), and read back over HTTP on loopback: <c>?tag=</c> on conversations, events
/// and identities, the summary in the conversation views, <c>GET /api/analytics</c>, the registry.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class PersistActionsApiTests(AzuriteFixture azurite) : IDisposable
{
    private const string Chat = "5511999990001@s.whatsapp.net";
    private const string Answer = "Ana wants the invoice by Friday.";
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    private const string Workflow = """
        id: triage
        version: 1
        scope: "*"
        trigger:
          event_kinds: [message]
          content_types: [text]
          when: "!from_me && !is_group"
        steps:
          - id: summarize
            action: route.agent.default
            with: { input: "Summarize: {{ text }}" }
          - id: keep-summary
            action: persist.summary
            with: { text: "{{ steps.summarize.output.text }}" }
          - id: tag-chat
            action: persist.tagging
            with: { tags: [VIP, billing] }
          - id: tag-message
            action: persist.tagging
            with: { tags: [invoice], target: event }
          - id: tag-person
            action: persist.tagging
            with: { tags: [customer], target: identity }
          - id: log
            action: meta.analytics.log
            with: { name: triaged, tags: [billing] }
        """;

    private async Task<OmniHost> StartAsync()
    {
        _server.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new
        {
            id = "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
            @object = "chat.completion",
            created = 1741570283,
            model = "gpt-4o-mini-2024-07-18",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = Answer }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 26, completion_tokens = 12, total_tokens = 38 },
        }));
        _server.Given(Request.Create().WithPath("/message/sendText/evo-demo").UsingPost()).RespondWith(Response.Create().WithStatusCode(201).WithBodyAsJson(new
        {
            key = new { remoteJid = Chat, fromMe = true, id = "3EB0REPLY0000001" }, status = "PENDING", messageTimestamp = 1764000100,
        }));
        var url = _server.Urls[0];
        var host = await OmniHost.StartAsync(azurite, consumer: false, settings: new Dictionary<string, string?>
        {
            [$"Omni:Instances:{OmniHost.Instance}:ServerUrl"] = url,
            [$"Omni:Instances:{OmniHost.Instance}:ApiKey"] = "evo-api-key",
            [$"Omni:Instances:{OmniHost.Instance}:EvolutionInstance"] = "evo-demo",
            ["Omni:Agents:default:Endpoint"] = url + "/v1",
            ["Omni:Agents:default:ApiKey"] = "sk-agent",
            ["Omni:Agents:default:Model"] = "gpt-4o-mini",
        });
        using var put = await host.Client.PutAsync("/api/workflows/triage", new StringContent(Workflow, Encoding.UTF8, "application/yaml"));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        return host;
    }

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response) =>
        JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync()).GetProperty("error");

    [Fact]
    public async Task Workflow_SummarizesTagsAndLogs_ReadableThroughTheQueryApi_AndAReplayChangesNothing()
    {
        await using var host = await StartAsync();
        var payload = EvolutionPayloads.Text("3EB0TRIAGE00001", "Oi! Pode me mandar a fatura até sexta?");
        await host.IngestAsync(payload);
        await host.DrainWorkflowsAsync();

        var eventId = Assert.Single(await host.ListEventsAsync()).GetProperty("event_id").GetString()!;
        var run = (await host.GetJsonAsync($"/api/events/{eventId}/actions")).GetProperty("runs").EnumerateArray()
            .Single(r => r.GetProperty("workflow_id").GetString() == "triage");
        Assert.Equal("completed", run.GetProperty("outcome").GetString());

        // Conversations by tag, with the stored summary and the tags.
        var tagged = Assert.Single((await host.GetJsonAsync("/api/conversations?tag=vip")).GetProperty("conversations").EnumerateArray());
        Assert.Equal(Chat, tagged.GetProperty("conversation_id").GetString());
        Assert.Equal(["billing", "vip"], tagged.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var summary = tagged.GetProperty("summary");
        Assert.Equal((Answer, "triage", "keep-summary", eventId), (summary.GetProperty("text").GetString(), summary.GetProperty("workflow_id").GetString(),
            summary.GetProperty("step_id").GetString(), summary.GetProperty("event_id").GetString()));
        Assert.Equal(run.GetProperty("run_id").GetString(), summary.GetProperty("run_id").GetString());
        Assert.Empty((await host.GetJsonAsync("/api/conversations?instance=demo&tag=lead")).GetProperty("conversations").EnumerateArray());
        var timeline = await host.GetJsonAsync($"/api/conversations/demo/{Uri.EscapeDataString(Chat)}/timeline");
        Assert.Equal(Answer, timeline.GetProperty("conversation").GetProperty("summary").GetProperty("text").GetString());

        // Events by tag (the other filters still apply), identities by tag.
        Assert.Equal(eventId, Assert.Single((await host.GetJsonAsync("/api/events?tag=INVOICE")).GetProperty("events").EnumerateArray()).GetProperty("event_id").GetString());
        Assert.Empty((await host.GetJsonAsync("/api/events?tag=invoice&from_me=true")).GetProperty("events").EnumerateArray());
        var identityId = (await host.GetJsonAsync($"/api/events/{eventId}")).GetProperty("identity_id").GetString();
        Assert.Equal(identityId, Assert.Single((await host.GetJsonAsync("/api/identities?tag=customer")).GetProperty("identities").EnumerateArray())
            .GetProperty("identity_id").GetString());

        // The analytics record of the run.
        var record = Assert.Single((await host.GetJsonAsync("/api/analytics?instance=demo&name=triaged")).GetProperty("records").EnumerateArray());
        Assert.Equal(("triage", 1, eventId, "completed"), (record.GetProperty("workflow_id").GetString(), record.GetProperty("workflow_version").GetInt32(),
            record.GetProperty("event_id").GetString(), record.GetProperty("outcome").GetString()));
        Assert.Equal(["summarize", "keep-summary", "tag-chat", "tag-message", "tag-person"],
            record.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step_id").GetString()));

        // The same webhook again: the same event, no new run, nothing new anywhere.
        await host.IngestAsync(payload);
        await host.DrainWorkflowsAsync();
        Assert.Single((await host.GetJsonAsync("/api/analytics?instance=demo")).GetProperty("records").EnumerateArray());
        Assert.Single((await host.GetJsonAsync("/api/events?tag=invoice")).GetProperty("events").EnumerateArray());
    }

    [Fact]
    public async Task TagAndAnalyticsQueries_BadInput_AnswersInTheErrorShape()
    {
        await using var host = await StartAsync();
        foreach (var (path, status, message) in new[]
                 {
                     ("/api/events?tag=not%20ok", HttpStatusCode.BadRequest, "tag must be 1-64 of a-z, 0-9, '_', '-', '.', ':', starting with a letter or digit"),
                     ("/api/conversations?tag=-x", HttpStatusCode.BadRequest, "tag must be 1-64 of a-z, 0-9, '_', '-', '.', ':', starting with a letter or digit"),
                     ("/api/identities?tag=" + new string('a', 65), HttpStatusCode.BadRequest, "tag must be 1-64 of a-z, 0-9, '_', '-', '.', ':', starting with a letter or digit"),
                     ("/api/analytics", HttpStatusCode.BadRequest, "instance is required: analytics records are kept per instance"),
                     ("/api/analytics?instance=nowhere", HttpStatusCode.NotFound, "no instance named 'nowhere' is configured"),
                     ("/api/analytics?instance=demo&continuation=bm90LW91cnM", HttpStatusCode.BadRequest, "the continuation token is not valid (Parameter 'token')"),
                     ("/api/analytics?instance=demo&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", HttpStatusCode.BadRequest, "to must be after from"),
                 })
        {
            using var response = await host.Client.GetAsync(path);
            Assert.True(status == response.StatusCode, $"{path}: {(int)response.StatusCode}");
            Assert.Equal(message, (await ErrorOf(response)).GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Registry_ListsTheThreeActions_WithParameterSchemas()
    {
        await using var host = await StartAsync();
        var actions = (await host.GetJsonAsync("/api/registry/actions")).GetProperty("actions").EnumerateArray()
            .ToDictionary(a => a.GetProperty("id").GetString()!);
        foreach (var (id, required) in new[] { ("persist.summary", "text"), ("persist.tagging", "tags"), ("meta.analytics.log", "name") })
        {
            var schema = actions[id].GetProperty("parameters_schema");
            Assert.Contains(required, schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        }
    }
}
