using System.Text;
using System.Text.Json;
using Omni.Local.Tests.Support;
using Omni.TestSupport;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Omni.Local.Tests;

/// <summary>
/// "Ignore group messages except the ones that mention me", written once as a gate (docs/workflows.md, "Precedence"),
/// beside two other workflows and the seed reply playbook: end to end through Omni.Local, with WireMock standing in for
/// the notification webhook, the agent and Evolution's send API.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class WorkflowPrecedenceTests(AzuriteFixture azurite) : IDisposable
{
    private const string SendText = ReplyProviders.SendText;
    private const string Inbox = "/hooks/inbox";
    private const string Completions = ReplyProviders.ChatCompletions;
    private const string Group = "120363000000000001@g.us";
    private const string Owner = "5511988880000@s.whatsapp.net"; // the envelope's sender: the instance's own account
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    private const string Gate = """
        id: ignore-unmentioned-groups
        version: 1
        precedence: 100
        description: In groups, act only on messages that mention me
        trigger:
          event_kinds: [message]
          when: "is_group && !mentions_me"
        steps:
          - id: ignore
            stop: group message without a mention
            stop_lower: true
        """;

    private string LogInbound => $$$"""
        id: log-inbound
        version: 1
        trigger:
          event_kinds: [message]
          when: "!from_me"
        steps:
          - id: notify
            action: meta.notify.webhook
            with: { url: "{{{_server.Urls[0]}}}{{{Inbox}}}", body: "{{ sender }}: {{ text }}" }
        """;

    private const string AnswerGroups = """
        id: answer-groups
        version: 1
        trigger:
          event_kinds: [message]
          content_types: [text]
          when: "is_group && !from_me"
        steps:
          - id: ask
            action: route.agent.default
          - id: reply
            action: route.reply
            with: { text: "{{ steps.ask.output.text }}" }
        """;

    private async Task<OmniHost> StartAsync()
    {
        _server.Given(Request.Create().WithPath(Inbox).UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        var settings = ReplyProviders.Stub(_server, "Estou aqui.");
        settings["Omni:Notify:AllowHttp"] = "true";
        var host = await OmniHost.StartAsync(azurite, consumer: false, settings: settings);
        foreach (var (id, yaml) in new[] { ("ignore-unmentioned-groups", Gate), ("log-inbound", LogInbound), ("answer-groups", AnswerGroups) })
        {
            using var put = await host.Client.PutAsync($"/api/workflows/{id}", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        return host;
    }

    private int Calls(string path) => _server.LogEntries.Count(e => e.RequestMessage!.Path == path);

    private static byte[] GroupText(string id, string text, long timestamp, params string[] mentioned) =>
        EvolutionPayloads.Upsert(
            $$"""{ "extendedTextMessage": { "text": {{JsonSerializer.Serialize(text)}}, "contextInfo": { "mentionedJid": {{JsonSerializer.Serialize(mentioned)}} } } }""",
            id, Group, timestamp, participant: "5511999990002@s.whatsapp.net");

    private static async Task<List<JsonElement>> RunsOfAsync(OmniHost host, string text)
    {
        var evt = (await host.ListEventsAsync()).Single(e => e.GetProperty("text").GetString() == text);
        return [.. (await host.GetJsonAsync($"/api/events/{evt.GetProperty("event_id").GetString()}/actions")).GetProperty("runs").EnumerateArray()];
    }

    [Fact]
    public async Task GroupMessageWithoutMention_NoWorkflowActs_LowerRunsAuditedAsStoppedByTheGate()
    {
        await using var host = await StartAsync();
        var body = GroupText("3EB0GROUP0000001", "bom dia grupo", 1764000000, "5511999990003@s.whatsapp.net");
        await host.IngestAsync(body);
        await host.IngestAsync(body); // a redelivery decides the same and starts nothing new
        await host.DrainWorkflowsAsync();

        Assert.Equal(0, Calls(Inbox));
        Assert.Equal(0, Calls(Completions));
        Assert.Equal(0, Calls(SendText));
        var runs = await RunsOfAsync(host, "bom dia grupo");
        Assert.Equal(["answer-groups", "ignore-unmentioned-groups", "log-inbound"], runs.Select(r => r.GetProperty("workflow_id").GetString()).Order());
        Assert.All(runs, r => Assert.Equal("skipped", r.GetProperty("outcome").GetString()));
        foreach (var stopped in runs.Where(r => r.GetProperty("workflow_id").GetString() != "ignore-unmentioned-groups"))
        {
            var by = stopped.GetProperty("stopped_by");
            Assert.Equal("ignore-unmentioned-groups", by.GetProperty("workflow_id").GetString());
            Assert.Equal("ignore", by.GetProperty("step_id").GetString());
            Assert.Equal("group message without a mention", by.GetProperty("reason").GetString());
            Assert.Empty(stopped.GetProperty("audit").EnumerateArray());
        }

        // The explain trace says the same: nothing acted, and why the lower workflows did not run.
        var eventId = (await host.ListEventsAsync()).Single(e => e.GetProperty("text").GetString() == "bom dia grupo").GetProperty("event_id").GetString();
        var explanation = await host.GetJsonAsync($"/api/events/{eventId}/explain");
        Assert.Equal("did_not_act", explanation.GetProperty("verdict").GetString());
        var sentences = string.Join('\n', explanation.GetProperty("sentences").EnumerateArray().Select(x => x.GetString()));
        Assert.Contains("stopped by workflow 'ignore-unmentioned-groups'", sentences, StringComparison.Ordinal);
        Assert.Contains("group message without a mention", sentences, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GroupMessageMentioningMe_AndDirectMessage_GetTheirActions()
    {
        await using var host = await StartAsync();
        await host.IngestAsync(GroupText("3EB0GROUP0000002", "@5511988880000 pode ajudar?", 1764000000, Owner));
        await host.DrainWorkflowsAsync();

        Assert.Equal(1, Calls(Inbox));
        Assert.Equal(1, Calls(SendText));
        var runs = await RunsOfAsync(host, "@5511988880000 pode ajudar?");
        Assert.DoesNotContain(runs, r => r.TryGetProperty("stopped_by", out _));
        Assert.Equal("completed", runs.Single(r => r.GetProperty("workflow_id").GetString() == "answer-groups").GetProperty("outcome").GetString());

        await host.IngestAsync(EvolutionPayloads.Text("3EB0DIRECT0000003", "Oi, tudo bem?", timestamp: 1764000060));
        await host.DrainWorkflowsAsync();

        Assert.Equal(2, Calls(Inbox)); // log-inbound
        Assert.Equal(2, Calls(SendText)); // the seed reply-to-direct-text
        var direct = await RunsOfAsync(host, "Oi, tudo bem?");
        Assert.Contains(direct, r => r.GetProperty("workflow_id").GetString() == "reply-to-direct-text" && r.GetProperty("outcome").GetString() == "completed");
        Assert.DoesNotContain(direct, r => r.GetProperty("workflow_id").GetString() == "ignore-unmentioned-groups");
    }
}
