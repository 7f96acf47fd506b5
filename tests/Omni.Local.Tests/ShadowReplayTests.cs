using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Omni.Local.Tests.Support;
using WireMock.Server;

namespace Omni.Local.Tests;

/// <summary>
/// Shadow replay (<c>POST /api/workflows/{id}/shadow</c>) through a real Omni.Local: a week of direct texts stored through
/// the webhook and the normalizer, the live <c>reply-to-direct-text</c> v1 runs replying through WireMock's Evolution
/// and agent, then a candidate v2 with an allowlist guard replayed over that week without calling any provider.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class ShadowReplayTests(AzuriteFixture azurite) : IDisposable
{
    private const string Ana = "5511999990001@s.whatsapp.net";
    private const string Bruno = "5511999990002@s.whatsapp.net";
    private const string Carla = "5511999990003@s.whatsapp.net";
    private const string ScopedKey = "scoped-to-other";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    public void Dispose() => _server.Stop();

    /// <summary>Version 2 of the seed: only Ana's messages get through (her number without the WhatsApp suffix: canonical match).</summary>
    private const string AllowlistV2 = """
        id: reply-to-direct-text
        version: 2
        scope: "*"
        description: Reply to direct text messages from Ana only
        trigger:
          event_kinds: [message]
          content_types: [text]
          when: "!from_me && !is_group && text != null && text != ''"
        steps:
          - id: only-ana
            action: guard.allowlist
            with: { handles: ["5511999990001"] }
          - id: limit-sender
            action: guard.rate_limit
            with: { per: sender, limit: 10, window: 1h, on_exceed: stop }
          - id: ask-agent
            action: route.agent.default
            with:
              agent: default
              system_prompt: "You are a helpful assistant. Answer briefly, in the language of the message."
            retry: { max_attempts: 3, first_delay: 2s, backoff: 2.0, max_delay: 1m }
          - id: reply
            action: route.reply
            when: "steps.ask-agent.output.text != null && steps.ask-agent.output.text != ''"
            with:
              text: "{{ steps.ask-agent.output.text }}"
        """;

    private async Task<OmniHost> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var all = ReplyProviders.Stub(_server);
        all["Omni:Instances:other:Provider"] = "evolution";
        all["Omni:Instances:other:WebhookSecret"] = OmniHost.WebhookSecret;
        all["Omni:Keys:scoped:Secret"] = ScopedKey;
        all["Omni:Keys:scoped:Instances"] = "other";
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        return await OmniHost.StartAsync(azurite, consumer: false, settings: all);
    }

    /// <summary>
    /// Nine direct texts over the past week (three each from Ana, Bruno and Carla, a day apart) and one message of our
    /// own, stored and run live (v1 replies to all nine). Returns the event ids by sender.
    /// </summary>
    private async Task<Dictionary<string, List<string>>> SeedWeekAsync(OmniHost host)
    {
        var day = 0;
        foreach (var sender in new[] { Ana, Bruno, Carla })
        {
            for (var i = 0; i < 3; i++, day++)
            {
                var at = _now.AddDays(-7).AddHours(2 + (day * 18)).ToUnixTimeSeconds();
                await host.IngestAsync(EvolutionPayloads.Text($"3EB0SHADOW{day:D6}", $"mensagem {day}", sender, at));
            }
        }

        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0SHADOWSELF01", "nota minha", Ana, _now.AddDays(-1).ToUnixTimeSeconds(), fromMe: true));
        await host.DrainWorkflowsAsync();
        Assert.Equal(9, _server.LogEntries.Count(e => e.RequestMessage!.Path == ReplyProviders.SendText)); // the live version replied to all nine

        var ids = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var e in await host.ListEventsAsync())
        {
            if (!e.GetProperty("from_me").GetBoolean())
            {
                var sender = e.GetProperty("sender_handle").GetString()!;
                (ids.TryGetValue(sender, out var list) ? list : ids[sender] = []).Add(e.GetProperty("event_id").GetString()!);
            }
        }

        _server.ResetLogEntries();
        return ids;
    }

    private static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> ShadowAsync(
        OmniHost host, string query, string body, string contentType = "application/yaml", string workflow = "reply-to-direct-text", string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/workflows/{workflow}/shadow?{query}")
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (key is not null)
        {
            request.Headers.Remove("x-functions-key");
            request.Headers.Add("x-functions-key", key);
        }

        var response = await host.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private string Window() =>
        $"instance=demo&from={Uri.EscapeDataString(_now.AddDays(-8).ToString("O"))}&to={Uri.EscapeDataString(_now.ToString("O"))}";

    [Fact]
    public async Task Shadow_AllowlistV2OverASeededWeek_ListsExactlyTheEventsThatWouldNoLongerGetAReply_NoProviderCalled()
    {
        await using var host = await StartAsync();
        var ids = await SeedWeekAsync(host);

        var (status, body, _) = await ShadowAsync(host, Window(), AllowlistV2);

        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Empty(_server.LogEntries); // WireMock saw no request: no agent asked, nothing sent
        var report = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.Equal("completed", report.GetProperty("status").GetString());
        Assert.Equal(2, report.GetProperty("candidate_version").GetInt32());
        Assert.Equal(10, report.GetProperty("progress").GetProperty("total").GetInt32());
        Assert.Equal(9, report.GetProperty("events_compared").GetInt32());
        Assert.Equal(0, report.GetProperty("events_with_assumptions").GetInt32()); // every output recorded or evaluated
        Assert.Equal("\u22126 replies", report.GetProperty("summary").GetString());
        var reply = Assert.Single(report.GetProperty("totals").EnumerateArray());
        Assert.Equal(("route.reply", 9, 3, 0, 6), (reply.GetProperty("action_id").GetString(), reply.GetProperty("performed").GetInt32(),
            reply.GetProperty("planned").GetInt32(), reply.GetProperty("added").GetInt32(), reply.GetProperty("removed").GetInt32()));

        var changes = report.GetProperty("changes").EnumerateArray().ToList();
        Assert.Equal(ids[Bruno].Concat(ids[Carla]).Order(StringComparer.Ordinal), changes.Select(c => c.GetProperty("event_id").GetString()).Order(StringComparer.Ordinal));
        foreach (var change in changes)
        {
            Assert.Equal(["route.reply"], change.GetProperty("removed").EnumerateArray().Select(a => a.GetString()));
            Assert.Empty(change.GetProperty("added").EnumerateArray());
            Assert.Equal("completed", change.GetProperty("live").GetProperty("outcome").GetString());
            Assert.Equal(1, change.GetProperty("live").GetProperty("version").GetInt32());
            var shadow = change.GetProperty("shadow");
            Assert.Equal(("skipped", "sender not on the allowlist"), (shadow.GetProperty("outcome").GetString(), shadow.GetProperty("reason").GetString()));
        }
    }

    [Fact]
    public async Task Shadow_SameRequestTwice_ByteIdenticalAnswer_AndSinceIsAccepted()
    {
        await using var host = await StartAsync();
        await SeedWeekAsync(host);

        var first = await ShadowAsync(host, Window(), AllowlistV2);
        var second = await ShadowAsync(host, Window(), AllowlistV2);
        var since = await ShadowAsync(host, "instance=demo&since=8d", AllowlistV2);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(first.Body, second.Body);
        Assert.True(since.Status == HttpStatusCode.OK, since.Body);
        Assert.Equal("\u22126 replies", JsonSerializer.Deserialize<JsonElement>(since.Body).GetProperty("summary").GetString());
        Assert.Empty(_server.LogEntries);
    }

    [Fact]
    public async Task Shadow_LargerThanOneRequest_Answers202_AndTheJobRouteAdvancesToTheSameAnswer()
    {
        await using var host = await StartAsync(new() { ["Omni:Shadow:EventsPerRequest"] = "4" });
        var ids = await SeedWeekAsync(host);

        var (status, body, response) = await ShadowAsync(host, Window(), AllowlistV2);

        Assert.True(status == HttpStatusCode.Accepted, body);
        var started = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.Equal("running", started.GetProperty("status").GetString());
        Assert.Equal((4, 10), (started.GetProperty("progress").GetProperty("processed").GetInt32(), started.GetProperty("progress").GetProperty("total").GetInt32()));
        Assert.False(started.TryGetProperty("changes", out _));
        var jobId = started.GetProperty("job_id").GetString()!;
        Assert.Equal($"/api/workflows/reply-to-direct-text/shadow/{jobId}", response.Headers.Location!.OriginalString);

        var second = await host.GetJsonAsync(response.Headers.Location.OriginalString);
        Assert.Equal(("running", 8), (second.GetProperty("status").GetString(), second.GetProperty("progress").GetProperty("processed").GetInt32()));
        var done = await host.GetJsonAsync(response.Headers.Location.OriginalString);
        Assert.Equal(("completed", 10), (done.GetProperty("status").GetString(), done.GetProperty("progress").GetProperty("processed").GetInt32()));
        Assert.Equal("\u22126 replies", done.GetProperty("summary").GetString());
        Assert.Equal(ids[Bruno].Concat(ids[Carla]).Order(StringComparer.Ordinal),
            done.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("event_id").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(done.GetRawText(), (await host.GetJsonAsync(response.Headers.Location.OriginalString)).GetRawText()); // completed: stable

        using var unknown = await host.Client.GetAsync("/api/workflows/reply-to-direct-text/shadow/shj_000000000000000000000000");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var otherWorkflow = await host.Client.GetAsync($"/api/workflows/ignore-self/shadow/{jobId}");
        Assert.Equal(HttpStatusCode.NotFound, otherWorkflow.StatusCode);
        Assert.Empty(_server.LogEntries);
    }

    [Fact]
    public async Task Shadow_StubsInTheRequest_AnUnrecordedStepTakesTheStubbedOutput()
    {
        await using var host = await StartAsync();
        await SeedWeekAsync(host);
        // A new step the live version never ran: escalate when the agent's (stubbed) answer says so.
        var yaml = AllowlistV2
            .Replace("""
                  - id: only-ana
                    action: guard.allowlist
                    with: { handles: ["5511999990001"] }

                """, "", StringComparison.Ordinal)
            .Replace("""
                  - id: ask-agent

                """, """
                  - id: triage
                    action: route.agent.default
                    with: { agent: default, system_prompt: "Answer ESCALATE when a human is needed." }
                  - id: escalate
                    action: route.escalate.human
                    when: "steps.triage.output.text == 'ESCALATE'"
                    with: { url: "https://hooks.example.com/omni/escalations", reason: "asked for a human" }
                  - id: ask-agent

                """, StringComparison.Ordinal);
        var json = JsonSerializer.Serialize(new { yaml, stubs = new Dictionary<string, object> { ["triage"] = new { text = "ESCALATE" } } });

        var (status, body, _) = await ShadowAsync(host, Window(), json, "application/json");

        Assert.True(status == HttpStatusCode.OK, body);
        var report = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.Equal("+9 escalations", report.GetProperty("summary").GetString());
        Assert.Equal(9, report.GetProperty("events_changed").GetInt32());
        Assert.Empty(_server.LogEntries);
    }

    [Fact]
    public async Task Shadow_UnrecordedStepWithoutStub_IsStubbedAndSaysSo()
    {
        await using var host = await StartAsync();
        await SeedWeekAsync(host);
        var yaml = AllowlistV2.Replace("id: ask-agent", "id: ask-agent-v2", StringComparison.Ordinal)
            .Replace("steps.ask-agent.output", "steps.ask-agent-v2.output", StringComparison.Ordinal);

        var (status, body, _) = await ShadowAsync(host, Window(), yaml);

        Assert.True(status == HttpStatusCode.OK, body);
        var report = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.Equal(3, report.GetProperty("events_with_assumptions").GetInt32()); // Ana's: the others stop at the allowlist first
        // The stand-in gives one value per field route.agent.default declares (text among them), so Ana's replies stay
        // planned as the live version performed them: her events are assumptions, not changes.
        Assert.Equal("\u22126 replies", report.GetProperty("summary").GetString());
        Assert.All(report.GetProperty("changes").EnumerateArray(), c =>
        {
            Assert.NotEqual(Ana, c.GetProperty("sender_handle").GetString());
            Assert.Empty(c.GetProperty("notes").EnumerateArray());
        });
        Assert.Empty(_server.LogEntries);
    }

    [Fact]
    public async Task Shadow_InvalidYaml_400WithTheValidatorsErrors()
    {
        await using var host = await StartAsync();

        var (status, body, _) = await ShadowAsync(host, "instance=demo&since=7d", AllowlistV2.Replace("guard.allowlist", "guard.no_such_guard", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = JsonSerializer.Deserialize<JsonElement>(body).GetProperty("error");
        Assert.Equal("bad_request", error.GetProperty("code").GetString());
        var detail = Assert.Single(error.GetProperty("details").EnumerateArray());
        Assert.Equal(("unknown_action", 11), (detail.GetProperty("code").GetString(), detail.GetProperty("line").GetInt32()));
    }

    [Theory]
    [InlineData("instance=demo&since=7d", "no-such-workflow", HttpStatusCode.NotFound, "not_found")]
    [InlineData("instance=nobody&since=7d", "reply-to-direct-text", HttpStatusCode.NotFound, "not_found")]
    [InlineData("since=7d", "reply-to-direct-text", HttpStatusCode.BadRequest, "bad_request")]
    [InlineData("instance=demo", "reply-to-direct-text", HttpStatusCode.BadRequest, "bad_request")]
    [InlineData("instance=demo&since=7d&from=2026-01-01T00:00:00Z", "reply-to-direct-text", HttpStatusCode.BadRequest, "bad_request")]
    [InlineData("instance=demo&since=40d", "reply-to-direct-text", HttpStatusCode.BadRequest, "bad_request")]
    [InlineData("instance=demo&since=yesterday", "reply-to-direct-text", HttpStatusCode.BadRequest, "bad_request")]
    [InlineData("instance=demo&since=7d&limit=3", "reply-to-direct-text", HttpStatusCode.BadRequest, "bad_request")]
    public async Task Shadow_BadRequest_ClearErrorInTheErrorShape(string query, string workflow, HttpStatusCode expected, string code)
    {
        await using var host = await StartAsync();

        var (status, body, _) = await ShadowAsync(host, query, AllowlistV2, workflow: workflow);

        Assert.True(status == expected, body);
        Assert.Equal(code, JsonSerializer.Deserialize<JsonElement>(body).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Shadow_WindowHoldingMoreThanMaxEvents_400WindowTooLarge()
    {
        await using var host = await StartAsync(new() { ["Omni:Shadow:MaxEvents"] = "5" });
        await SeedWeekAsync(host);

        var (status, body, _) = await ShadowAsync(host, Window(), AllowlistV2);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = JsonSerializer.Deserialize<JsonElement>(body).GetProperty("error");
        Assert.Equal("window_too_large", error.GetProperty("code").GetString());
        Assert.Contains("more than 5 events", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shadow_KeyThatMayNotReadTheInstance_403_AndItsJobsAre404()
    {
        await using var host = await StartAsync(new() { ["Omni:Shadow:EventsPerRequest"] = "4" });
        await SeedWeekAsync(host);

        var denied = await ShadowAsync(host, Window(), AllowlistV2, key: ScopedKey);
        var started = await ShadowAsync(host, Window(), AllowlistV2);
        using var request = new HttpRequestMessage(HttpMethod.Get, started.Response.Headers.Location);
        request.Headers.Add("x-functions-key", ScopedKey);
        using var client = new HttpClient { BaseAddress = host.Client.BaseAddress };
        using var job = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, denied.Status);
        Assert.Equal(HttpStatusCode.Accepted, started.Status);
        Assert.Equal(HttpStatusCode.NotFound, job.StatusCode);
    }
}
