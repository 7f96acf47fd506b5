using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Net.Http.Headers;
using Omni.Local.Queue;
using Omni.Local.Tests.Support;
using Omni.Services.Workflows;
using Omni.TestSupport;
using WireMock.Logging;
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
    private const string SendText = ReplyProviders.SendText;
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    private async Task<OmniHost> StartAsync(IDictionary<string, string?>? settings = null, TimeProvider? clock = null)
    {
        var all = ReplyProviders.Stub(_server);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return await OmniHost.StartAsync(azurite, consumer: false, settings: all, configure: clock is null
            ? null
            : builder => builder.Services.AddSingleton(clock)); // registered before AddOmni, whose TryAdd keeps it
    }

    [Fact]
    public async Task DirectText_DeliveredTwice_ExactlyOneAgentReplyThroughEvolution()
    {
        await using var host = await StartAsync();
        var payload = EvolutionPayloads.Text("3EB0DIRECT00001", "Oi, tudo bem?");
        await host.IngestAsync(payload);
        await host.IngestAsync(payload); // duplicate delivery
        await host.DrainWorkflowsAsync();

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
        await host.DrainWorkflowsAsync();

        Assert.DoesNotContain(_server.LogEntries, e => e.RequestMessage!.Path == SendText);
        Assert.DoesNotContain(_server.LogEntries, e => e.RequestMessage!.Path == "/v1/chat/completions");
        var eventId = Assert.Single(await host.ListEventsAsync()).GetProperty("event_id").GetString()!;
        var runs = (await host.GetJsonAsync($"/api/events/{eventId}/actions")).GetProperty("runs").EnumerateArray().ToList();
        Assert.Contains(runs, r => r.GetProperty("workflow_id").GetString() == "ignore-self" && r.GetProperty("outcome").GetString() == "skipped");
    }
    [Fact]
    public async Task ForwardedVoiceNote_GroqFails_OpenAiTranscribesTheArchivedAudio_OneQuotedReply()
    {
        const string groqPath = "/openai/v1/audio/transcriptions";
        const string openAiPath = "/v1/audio/transcriptions";
        const string transcript = "Oi, é a Ana. Chego às cinco, pode deixar o portão aberto?";
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var url = _server.Urls[0];
        await using var host = await StartAsync(new Dictionary<string, string?>
        {
            ["Omni:Providers:groq:Endpoint"] = url + "/openai/v1",
            ["Omni:Providers:groq:ApiKey"] = "gsk_test",
            ["Omni:Providers:openai:Endpoint"] = url + "/v1",
            ["Omni:Providers:openai:ApiKey"] = "sk-openai-test",
            ["Omni:Providers:assemblyai:Endpoint"] = url,
            ["Omni:Providers:assemblyai:ApiKey"] = "aai-test",
        }, clock);
        _server.Given(Request.Create().WithPath(groqPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(500).WithBodyAsJson(new
        {
            error = new { message = "Internal Server Error", type = "internal_server_error" },
        }));
        _server.Given(Request.Create().WithPath(openAiPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new
        {
            task = "transcribe",
            language = "portuguese",
            duration = 4.2,
            text = " " + transcript,
            segments = new[] { new { id = 0, seek = 0, start = 0.0, end = 4.2, text = " " + transcript, avg_logprob = -0.18, no_speech_prob = 0.01 } },
        }));

        await host.IngestAsync(EvolutionPayloads.VoiceNote("3EB0VOICE0000001", VoiceBytes, forwarded: true));
        await host.DrainWorkflowsAsync();
        // Groq's 500 is transient: the step's policy (max_attempts: 2, first_delay: 5s) retries it once on a timer.
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, await host.Services.GetRequiredService<WorkflowRunner>().FireDueTimersAsync(CancellationToken.None));

        Assert.Equal(2, _server.LogEntries.Count(e => e.RequestMessage!.Path == groqPath));
        var openAi = Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == openAiPath);
        Assert.Equal("Bearer sk-openai-test", openAi.RequestMessage!.Headers!["Authorization"].Single());
        var form = await FormAsync(openAi);
        Assert.Equal(VoiceBytes, form["file"].Bytes); // decoded from message.base64 in the raw archive
        Assert.Equal("media.ogg", form["file"].FileName);
        Assert.Equal("whisper-1", Encoding.UTF8.GetString(form["model"].Bytes));
        Assert.DoesNotContain(_server.LogEntries, e => e.RequestMessage!.Path!.StartsWith("/chat/getBase64FromMediaMessage", StringComparison.Ordinal));

        var sent = Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == SendText);
        var body = JsonSerializer.Deserialize<JsonElement>(sent.RequestMessage!.Body!);
        Assert.Equal("Transcript: " + transcript, body.GetProperty("text").GetString());
        Assert.Equal("3EB0VOICE0000001", body.GetProperty("quoted").GetProperty("key").GetProperty("id").GetString());

        var eventId = Assert.Single(await host.ListEventsAsync()).GetProperty("event_id").GetString()!;
        var run = Assert.Single((await host.GetJsonAsync($"/api/events/{eventId}/actions")).GetProperty("runs").EnumerateArray());
        Assert.Equal(("transcribe-forwarded-voice", "completed"), (run.GetProperty("workflow_id").GetString(), run.GetProperty("outcome").GetString()));
        var audit = run.GetProperty("audit").EnumerateArray().ToList();
        Assert.Equal(["groq failed", "groq failed", "openai completed", "evolution completed"],
            audit.Select(a => $"{a.GetProperty("provider").GetString()} {a.GetProperty("status").GetString()}"));
        var transcribed = audit[2];
        Assert.Contains("from raw_archive", transcribed.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var tried = transcribed.GetProperty("tried").EnumerateArray().ToList();
        Assert.Equal(2, tried.Count);
        Assert.Equal(("groq", 2, false), (tried[0].GetProperty("provider").GetString(), tried[0].GetProperty("attempts").GetInt32(), tried[0].GetProperty("succeeded").GetBoolean()));
        Assert.Contains("groq transcription: HTTP 500", tried[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("internal_server_error", tried[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(("openai", 1, true), (tried[1].GetProperty("provider").GetString(), tried[1].GetProperty("attempts").GetInt32(), tried[1].GetProperty("succeeded").GetBoolean()));
        Assert.False(tried[1].TryGetProperty("error", out _));
        var step = run.GetProperty("steps").EnumerateArray().First(s => s.GetProperty("step_id").GetString() == "transcribe");
        Assert.Equal(("completed", "openai"), (step.GetProperty("status").GetString(), step.GetProperty("provider").GetString()));
        Assert.Equal(["groq", "openai"], step.GetProperty("providers_tried").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task ViewOnceImage_DescribedFromTheArchivedBase64_OneQuotedReply()
    {
        const string visionPath = "/qwen/v1/chat/completions";
        const string description = "A handwritten note on a fridge door that reads \"back at 6\".";
        await using var host = await StartAsync(new Dictionary<string, string?>
        {
            ["Omni:Providers:qwen-vl:Endpoint"] = _server.Urls[0] + "/qwen/v1",
            ["Omni:Providers:qwen-vl:ApiKey"] = "qwen-key",
            ["Omni:Providers:qwen-vl:Model"] = "qwen2.5-vl-7b-instruct",
        });
        _server.Given(Request.Create().WithPath(visionPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new
        {
            id = "chatcmpl-7b0d3c9e5f4a4e1b",
            @object = "chat.completion",
            created = 1764000050,
            model = "qwen2.5-vl-7b-instruct",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = description }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 312, completion_tokens = 18, total_tokens = 330 },
        }));

        await host.IngestAsync(EvolutionPayloads.ViewOnceImage("3EB0VIEWONCE0001", JpegBytes));
        await host.DrainWorkflowsAsync();

        var vision = Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == visionPath);
        var request = JsonSerializer.Deserialize<JsonElement>(vision.RequestMessage!.Body!);
        Assert.Equal("qwen2.5-vl-7b-instruct", request.GetProperty("model").GetString());
        var parts = request.GetProperty("messages")[0].GetProperty("content").EnumerateArray().ToList();
        Assert.Contains(parts, p => p.GetProperty("type").GetString() == "text" &&
                                    p.GetProperty("text").GetString()!.StartsWith("Describe this image", StringComparison.Ordinal));
        Assert.Contains(parts, p => p.GetProperty("type").GetString() == "image_url" &&
                                    p.GetProperty("image_url").GetProperty("url").GetString() == "data:image/jpeg;base64," + Convert.ToBase64String(JpegBytes));

        var sent = Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == SendText);
        var body = JsonSerializer.Deserialize<JsonElement>(sent.RequestMessage!.Body!);
        Assert.Equal("View-once image from Test Sender: " + description, body.GetProperty("text").GetString());
        Assert.Equal("3EB0VIEWONCE0001", body.GetProperty("quoted").GetProperty("key").GetProperty("id").GetString());
        Assert.DoesNotContain(_server.LogEntries, e => e.RequestMessage!.Path == "/v1/chat/completions"); // the text agent was not asked
    }

    /// <summary>The start of a real Ogg/Opus voice note ("OggS" capture pattern, OpusHead).</summary>
    private static readonly byte[] VoiceBytes =
        [0x4F, 0x67, 0x67, 0x53, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4F, 0x70, 0x75, 0x73, 0x48, 0x65, 0x61, 0x64, 0x01, 0x01];

    /// <summary>A JPEG's start (SOI + JFIF APP0).</summary>
    private static readonly byte[] JpegBytes = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01];

    /// <summary>The multipart/form-data fields WireMock received: name → (file name, bytes).</summary>
    private static async Task<Dictionary<string, (string? FileName, byte[] Bytes)>> FormAsync(ILogEntry entry)
    {
        var contentType = MediaTypeHeaderValue.Parse(entry.RequestMessage!.Headers!["Content-Type"].Single());
        var reader = new MultipartReader(HeaderUtilities.RemoveQuotes(contentType.Boundary).Value!, new MemoryStream(entry.RequestMessage.BodyAsBytes!));
        var fields = new Dictionary<string, (string?, byte[])>(StringComparer.Ordinal);
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            var disposition = ContentDispositionHeaderValue.Parse(section.ContentDisposition);
            using var buffer = new MemoryStream();
            await section.Body.CopyToAsync(buffer);
            fields[HeaderUtilities.RemoveQuotes(disposition.Name).Value!] = (HeaderUtilities.RemoveQuotes(disposition.FileName).Value, buffer.ToArray());
        }

        return fields;
    }

    private static readonly DateTimeOffset BurstStart = DateTimeOffset.FromUnixTimeSeconds(1764000000);

    private static async Task PutWorkflowAsync(OmniHost host, string yaml)
    {
        var id = yaml.Split('\n')[0]["id: ".Length..].Trim();
        using var content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        using var response = await host.Client.PutAsync($"/api/workflows/{id}", content);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"PUT workflow answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>What Evolution's sendText received: (recipient, text), in arrival order.</summary>
    private List<(string Number, string Text)> Replies() =>
    [
        .. _server.LogEntries.Where(e => e.RequestMessage!.Path == SendText).Select(e =>
        {
            var body = JsonSerializer.Deserialize<JsonElement>(e.RequestMessage!.Body!);
            return (body.GetProperty("number").GetString()!, body.GetProperty("text").GetString()!);
        }),
    ];

    /// <summary>Each event's text and its one run (of the demo override), via GET /api/events/{id}/actions.</summary>
    private static async Task<List<(string EventId, string Text, JsonElement Run)>> RunsAsync(OmniHost host)
    {
        var runs = new List<(string, string, JsonElement)>();
        foreach (var e in await host.ListEventsAsync())
        {
            var id = e.GetProperty("event_id").GetString()!;
            var run = Assert.Single((await host.GetJsonAsync($"/api/events/{id}/actions")).GetProperty("runs").EnumerateArray());
            runs.Add((id, e.GetProperty("text").GetString()!, run));
        }

        return runs;
    }

    [Fact]
    public async Task RateLimitedBurst_DeferredNotDropped_EveryTextRepliedExactlyOnce()
    {
        var clock = new FakeTimeProvider(BurstStart.AddSeconds(10));
        await using var host = await StartAsync(clock: clock);
        await PutWorkflowAsync(host, """
            id: reply-to-direct-text
            version: 2
            scope: demo
            description: Echo direct texts, at most 2 per sender per minute; the rest wait for room
            trigger:
              event_kinds: [message]
              content_types: [text]
              when: "!from_me && !is_group"
            steps:
              - id: limit
                action: guard.rate_limit
                with: { per: sender, limit: 2, window: 1m, on_exceed: defer }
              - id: reply
                action: route.reply
                with: { text: "echo: {{ text }}" }
            """);
        var texts = Enumerable.Range(1, 5).Select(i => $"mensagem {i}").ToList();
        for (var i = 0; i < texts.Count; i++)
        {
            await host.IngestAsync(EvolutionPayloads.Text($"3EB0BURST00000{i}", texts[i], timestamp: 1764000000 + i));
        }

        await host.DrainWorkflowsAsync();

        // Two fit the window [16:00, 16:01); three wait for the next one, deferred (not skipped, not failed).
        Assert.Equal(2, Replies().Count);
        var runs = await RunsAsync(host);
        Assert.Equal(5, runs.Count);
        Assert.Equal(2, runs.Count(r => r.Run.GetProperty("status").GetString() == "completed"));
        var waiting = runs.Where(r => r.Run.GetProperty("status").GetString() == "waiting").ToList();
        Assert.Equal(3, waiting.Count);
        Assert.All(waiting, r => Assert.Contains("rate limit: 2 per 1m per sender reached", r.Run.GetProperty("audit")[0].GetProperty("summary").GetString(), StringComparison.Ordinal));

        // Each minute the timers fire and two more get through: 4 after the first, 5 after the second.
        var runner = host.Services.GetRequiredService<WorkflowRunner>();
        var sentAfter = new List<int>();
        while (Replies().Count < texts.Count && sentAfter.Count < 5)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await runner.FireDueTimersAsync(CancellationToken.None);
            await host.DrainWorkflowsAsync();
            sentAfter.Add(Replies().Count);
        }

        Assert.Equal([4, 5], sentAfter);
        Assert.Equal(texts.Select(t => "echo: " + t).Order(StringComparer.Ordinal), Replies().Select(r => r.Text).Order(StringComparer.Ordinal));
        Assert.All(Replies(), r => Assert.Equal("5511999990001@s.whatsapp.net", r.Number));
        Assert.All(await RunsAsync(host), r =>
        {
            Assert.Equal(("completed", "completed"), (r.Run.GetProperty("status").GetString(), r.Run.GetProperty("outcome").GetString()));
            Assert.Equal("echo: " + r.Text, Replies().Single(reply => reply.Text == "echo: " + r.Text).Text);
        });

        // Nothing is left to fire, and draining again sends nothing more.
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, await runner.FireDueTimersAsync(CancellationToken.None));
        await host.DrainWorkflowsAsync();
        Assert.Equal(5, Replies().Count);
    }

    [Fact]
    public async Task DebouncedBurst_OneReplyForTheNewestText()
    {
        var clock = new FakeTimeProvider(BurstStart.AddSeconds(5));
        await using var host = await StartAsync(clock: clock);
        await PutWorkflowAsync(host, """
            id: reply-to-direct-text
            version: 2
            scope: demo
            description: Answer a burst of texts once, after 30 s of quiet, to the newest
            trigger:
              event_kinds: [message]
              content_types: [text]
              when: "!from_me && !is_group"
            steps:
              - id: settle
                action: guard.debounce
                with: { window: 30s, key: sender }
              - id: reply
                action: route.reply
                with: { text: "got: {{ text }}" }
            """);
        await host.IngestAsync(EvolutionPayloads.Text("3EB0DEBOUNCE001", "oi", timestamp: 1764000000));
        await host.IngestAsync(EvolutionPayloads.Text("3EB0DEBOUNCE002", "tudo bem?", timestamp: 1764000002));
        await host.IngestAsync(EvolutionPayloads.Text("3EB0DEBOUNCE003", "preciso de ajuda com meu pedido", timestamp: 1764000004));
        await host.DrainWorkflowsAsync();

        Assert.Empty(Replies());
        Assert.All(await RunsAsync(host), r => Assert.Equal("waiting", r.Run.GetProperty("status").GetString()));

        // 16:00:31: the first text's window is over, but a newer text came in it: coalesced, no reply.
        var runner = host.Services.GetRequiredService<WorkflowRunner>();
        clock.Advance(TimeSpan.FromSeconds(26));
        Assert.Equal(1, await runner.FireDueTimersAsync(CancellationToken.None));
        Assert.Empty(Replies());

        // 16:00:40: the other two windows are over: one reply, to the newest text.
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(2, await runner.FireDueTimersAsync(CancellationToken.None));
        await host.DrainWorkflowsAsync();
        Assert.Equal([("5511999990001@s.whatsapp.net", "got: preciso de ajuda com meu pedido")], Replies());

        var runs = await RunsAsync(host);
        var newest = runs.Single(r => r.Text == "preciso de ajuda com meu pedido");
        Assert.Equal("completed", newest.Run.GetProperty("outcome").GetString());
        Assert.All(runs.Where(r => r.EventId != newest.EventId), r =>
        {
            Assert.Equal(("completed", "skipped"), (r.Run.GetProperty("status").GetString(), r.Run.GetProperty("outcome").GetString()));
            Assert.Contains($"coalesced into {newest.EventId}", r.Run.GetProperty("summary").GetString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task AllowlistAndStoredBlocklist_BlockedSenderGetsNoReply_OthersDo()
    {
        await using var host = await StartAsync();
        await PutWorkflowAsync(host, """
            id: reply-to-direct-text
            version: 2
            scope: demo
            description: Greet known contacts, unless they are on the block list
            trigger:
              event_kinds: [message]
              content_types: [text]
              when: "!from_me && !is_group"
            steps:
              - id: known
                action: guard.allowlist
                with: { handles: ["+55 11 99999-0001", "5511999990002@s.whatsapp.net"] }
              - id: not-blocked
                action: guard.blocklist
              - id: reply
                action: route.reply
                with: { text: "olá!" }
            """);
        using (var blocked = await host.Client.PutAsync("/api/contact-lists/demo/blocked/5511999990002", null))
        {
            Assert.Equal(HttpStatusCode.Created, blocked.StatusCode);
        }

        await host.IngestAsync(EvolutionPayloads.Text("3EB0ALLOW000001", "oi, sou a Ana", "5511999990001@s.whatsapp.net"));
        await host.IngestAsync(EvolutionPayloads.Text("3EB0BLOCK000001", "oi, sou o Bruno", "5511999990002@s.whatsapp.net"));
        await host.IngestAsync(EvolutionPayloads.Text("3EB0STRANGER001", "quem é?", "5511999990003@s.whatsapp.net"));
        await host.DrainWorkflowsAsync();

        Assert.Equal([("5511999990001@s.whatsapp.net", "olá!")], Replies());
        var runs = (await RunsAsync(host)).ToDictionary(r => r.Text, r => r.Run);
        Assert.Equal("completed", runs["oi, sou a Ana"].GetProperty("outcome").GetString());
        Assert.Equal(("skipped", "on the block list 'blocked'"),
            (runs["oi, sou o Bruno"].GetProperty("outcome").GetString(), runs["oi, sou o Bruno"].GetProperty("steps")[1].GetProperty("detail").GetString()));
        Assert.Equal(("skipped", "sender not on the allowlist"),
            (runs["quem é?"].GetProperty("outcome").GetString(), runs["quem é?"].GetProperty("steps")[0].GetProperty("detail").GetString()));

        // Unblocked through the API (the JID spelling removes the entry added as a bare number): his next text is answered.
        using (var unblocked = await host.Client.DeleteAsync("/api/contact-lists/demo/blocked/5511999990002%40s.whatsapp.net"))
        {
            Assert.True((await unblocked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("removed").GetBoolean());
        }

        await host.IngestAsync(EvolutionPayloads.Text("3EB0BLOCK000002", "e agora?", "5511999990002@s.whatsapp.net", timestamp: 1764000100));
        await host.DrainWorkflowsAsync();
        Assert.Equal(("5511999990002@s.whatsapp.net", "olá!"), Replies()[^1]);
        Assert.Equal(2, Replies().Count);
    }
}
