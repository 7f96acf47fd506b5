using System.Net;
using System.Text.Json;
using Omni.Local.Tests.Support;
using Omni.TestSupport;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Omni.Local.Tests;

/// <summary>
/// Size limits by design (docs/decisions.md, "Size limits by design"; docs/events.md, "Size limits"): oversized
/// payload fields found by fuzzing a running Omni. An id too long to be an id is quarantined at once with the reason;
/// long content (a text, a name) is stored whole in a blob with bounded rows, answered bounded by default and whole on
/// request; a large event's workflows start.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class SizeLimitTests(AzuriteFixture azurite) : IDisposable
{
    private const string SendText = "/message/sendText/evo-demo";
    private const string Chat = "/v1/chat/completions";

    /// <summary>10,000,000 characters (10 MB as UTF-8), a valid WhatsApp-sized text many times over.</summary>
    private static readonly string TenMegabyteText = string.Concat(Enumerable.Repeat("0123456789", 999_999)) + "the end…!!";

    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    [Fact]
    public async Task Bug_OversizedKeyIdRetriedUntilPoison()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var keyId = "3EB0" + new string('A', 99_996); // a 100,000-character key.id
        var ingestId = await host.IngestAsync(EvolutionPayloads.Text(keyId, "hello"));

        Assert.Equal(1, await host.Consumer.DrainOnceAsync(CancellationToken.None));

        // Quarantined on the first delivery: the message is gone (not waiting for a retry), nothing in poison, no event.
        Assert.Empty((await host.Storage.IngestQueue.PeekMessagesAsync(1)).Value);
        Assert.Empty((await host.Storage.IngestPoisonQueue.PeekMessagesAsync(1)).Value);
        Assert.Empty(await host.ListEventsAsync());
        var letter = Assert.Single(await host.ListDeadLettersAsync());
        Assert.Equal((ingestId, "normalize", 1), (letter.GetProperty("ingest_id").GetString(), letter.GetProperty("stage").GetString(), letter.GetProperty("attempts").GetInt32()));
        var reason = letter.GetProperty("reason").GetString()!;
        Assert.Contains("provider_message_id is 100,000 characters", reason, StringComparison.Ordinal);
        Assert.Contains("at most 256", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bug_TwoMegabytePushNameRetriedUntilPoison()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var pushName = "Maria " + new string('é', 1_999_994); // 2,000,000 characters
        await host.IngestAsync(EvolutionPayloads.Text("3EB0LONGNAME00001", "oi", pushName: pushName));

        Assert.Equal(1, await host.Consumer.DrainOnceAsync(CancellationToken.None));

        // Stored on the first delivery: no retry, no poison, no dead letter.
        Assert.Empty((await host.Storage.IngestQueue.PeekMessagesAsync(1)).Value);
        Assert.Empty((await host.Storage.IngestPoisonQueue.PeekMessagesAsync(1)).Value);
        Assert.Empty(await host.ListDeadLettersAsync());
        var listed = Assert.Single(await host.ListEventsAsync());
        var eventId = listed.GetProperty("event_id").GetString()!;

        // Bounded by default (the name cut at 256 characters, the cut named), whole on request.
        foreach (var bounded in new[] { listed, await host.GetJsonAsync($"/api/events/{eventId}") })
        {
            Assert.Equal(pushName[..256], bounded.GetProperty("sender_name").GetString());
            Assert.Contains("sender_name", bounded.GetProperty("truncated_fields").EnumerateArray().Select(f => f.GetString()));
            Assert.Equal("oi", bounded.GetProperty("text").GetString());
            Assert.False(bounded.TryGetProperty("text_truncated", out _));
        }

        var full = await host.GetJsonAsync($"/api/events/{eventId}?full=true");
        Assert.Equal(pushName, full.GetProperty("sender_name").GetString());
        Assert.False(full.TryGetProperty("truncated_fields", out _));

        // The sender's identity got the name, bounded the same way.
        var identityId = listed.GetProperty("identity_id").GetString()!;
        var identity = await host.GetJsonAsync($"/api/identities/{identityId}");
        Assert.Equal(pushName[..256], identity.GetProperty("display_name").GetString());
    }

    [Fact]
    public async Task Bug_TenMegabyteTextWorkflowStartPoisoned()
    {
        await using var host = await StartWithProvidersAsync();
        await host.IngestAsync(EvolutionPayloads.Text("3EB0TENMEGABYTE01", TenMegabyteText));

        await host.DrainWorkflowsAsync();

        var runsQueue = host.Storage.Queues.GetQueueClient(host.Storage.Names.WorkflowRunsPoisonQueue);
        Assert.False(await runsQueue.ExistsAsync() && (await runsQueue.PeekMessagesAsync(1)).Value.Length > 0, "the workflow start went to workflow-runs-poison");
        Assert.Empty(await host.ListDeadLettersAsync());
        var eventId = Assert.Single(await host.ListEventsAsync()).GetProperty("event_id").GetString()!;

        // The reply playbook ran to its end, audited like any other run.
        var run = Assert.Single((await host.GetJsonAsync($"/api/events/{eventId}/actions")).GetProperty("runs").EnumerateArray());
        Assert.Equal(("reply-to-direct-text", "completed", "completed"),
            (run.GetProperty("workflow_id").GetString(), run.GetProperty("status").GetString(), run.GetProperty("outcome").GetString()));
        Assert.Equal(["limit-sender", "ask-agent", "reply"], run.GetProperty("audit").EnumerateArray().Select(a => a.GetProperty("step_id").GetString()));

        // The agent was asked with the whole text, not the bounded copy the run keeps.
        var asked = Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == Chat);
        var messages = JsonSerializer.Deserialize<JsonElement>(asked.RequestMessage!.Body!).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(TenMegabyteText, messages[^1].GetProperty("content").GetString());
        Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == SendText);
    }

    [Fact]
    public async Task Bug_GetEventAnswers21MegabytesForATenMegabyteText()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        await host.IngestAsync(EvolutionPayloads.Text("3EB0TENMEGABYTE02", TenMegabyteText));
        await host.DrainIngestAsync();
        var eventId = Assert.Single(await host.ListEventsAsync()).GetProperty("event_id").GetString()!;

        using var bounded = await host.Client.GetAsync($"/api/events/{eventId}");
        Assert.Equal(HttpStatusCode.OK, bounded.StatusCode);
        var body = await bounded.Content.ReadAsStringAsync();
        Assert.True(body.Length < 64 * 1024, $"GET /api/events/{{id}} answered {body.Length:N0} characters");
        var e = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.Equal(TenMegabyteText[..4096], e.GetProperty("text").GetString());
        Assert.True(e.GetProperty("text_truncated").GetBoolean());
        Assert.Equal(TenMegabyteText.Length, e.GetProperty("text_length").GetInt32());
        Assert.Contains("text", e.GetProperty("truncated_fields").EnumerateArray().Select(f => f.GetString()));

        using var whole = await host.Client.GetAsync($"/api/events/{eventId}?full=true");
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        var full = JsonSerializer.Deserialize<JsonElement>(await whole.Content.ReadAsStringAsync());
        Assert.Equal(TenMegabyteText, full.GetProperty("text").GetString());
        Assert.False(full.TryGetProperty("text_truncated", out _));
        Assert.Equal(TenMegabyteText, full.GetProperty("provider_metadata").GetProperty("message").GetProperty("conversation").GetString());
    }

    [Fact]
    public async Task Bug_SenderOfEscapedCharactersRetriedUntilPoison()
    {
        // 215 characters: an acceptable id, but 650 once escaped for a key (a row key holds 512).
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var jid = new string('|', 200) + "@s.whatsapp.net";
        await host.IngestAsync(EvolutionPayloads.Text("3EB0SLASHES000001", "oi", remoteJid: jid));

        Assert.Equal(1, await host.Consumer.DrainOnceAsync(CancellationToken.None));

        Assert.Empty((await host.Storage.IngestQueue.PeekMessagesAsync(1)).Value);
        Assert.Empty(await host.ListDeadLettersAsync());
        var stored = Assert.Single(await host.ListEventsAsync());
        Assert.Equal((jid, jid), (stored.GetProperty("conversation_id").GetString(), stored.GetProperty("sender_handle").GetString()));

        // Every index and aggregate keyed by it still answers: conversation, sender, identity, conversation list and timeline.
        var escaped = Uri.EscapeDataString(jid);
        Assert.Single((await host.GetJsonAsync($"/api/events?instance=demo&conversation_id={escaped}")).GetProperty("events").EnumerateArray());
        Assert.Single((await host.GetJsonAsync($"/api/events?instance=demo&sender_handle={escaped}")).GetProperty("events").EnumerateArray());
        var identityId = stored.GetProperty("identity_id").GetString()!;
        Assert.Single((await host.GetJsonAsync($"/api/identities/{identityId}/events")).GetProperty("events").EnumerateArray());
        Assert.Equal(jid, Assert.Single((await host.GetJsonAsync($"/api/identities/{identityId}")).GetProperty("handles").EnumerateArray()).GetProperty("handle").GetString());
        Assert.Equal(jid, Assert.Single((await host.GetJsonAsync("/api/conversations?instance=demo")).GetProperty("conversations").EnumerateArray()).GetProperty("conversation_id").GetString());
        Assert.Single((await host.GetJsonAsync($"/api/conversations/demo/{escaped}/timeline")).GetProperty("entries").EnumerateArray());
    }

    [Fact]
    public async Task Bug_HundredThousandCharacterEventNameRetriedUntilPoison()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var name = "labels." + new string('x', 99_993);
        await host.IngestAsync(EvolutionPayloads.Envelope(name, """{"label":{"id":"1"}}"""));

        Assert.Equal(1, await host.Consumer.DrainOnceAsync(CancellationToken.None));

        // An unknown shape, stored like any other: its name and shape cut in the rows and the catalogue, whole on request.
        Assert.Empty((await host.Storage.IngestQueue.PeekMessagesAsync(1)).Value);
        Assert.Empty(await host.ListDeadLettersAsync());
        var stored = Assert.Single(await host.ListEventsAsync());
        Assert.Equal(("unknown", name[..256], name[..256]),
            (stored.GetProperty("event_kind").GetString(), stored.GetProperty("shape").GetString(), stored.GetProperty("provider_event_type").GetString()));
        Assert.Equal(["provider_event_type", "shape"], stored.GetProperty("truncated_fields").EnumerateArray().Take(2).Select(f => f.GetString()));
        var entry = Assert.Single((await host.GetJsonAsync("/api/catalog/demo")).GetProperty("entries").EnumerateArray());
        Assert.Equal((name[..256], 1), (entry.GetProperty("shape").GetString(), entry.GetProperty("count").GetInt64()));
        var full = await host.GetJsonAsync($"/api/events/{stored.GetProperty("event_id").GetString()}?full=true");
        Assert.Equal(name, full.GetProperty("shape").GetString());
    }

    [Fact]
    public async Task PayloadWithOneIdTooLong_TheOtherEventStored_RefusalQuarantinedWithTheReason()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var item = (string id, string text) => $$"""
            { "key": { "remoteJid": "5511999990001@s.whatsapp.net", "fromMe": false, "id": "{{id}}" }, "pushName": "Ana",
              "message": { "conversation": "{{text}}" }, "messageType": "conversation", "messageTimestamp": 1764000000 }
            """;
        var ingestId = await host.IngestAsync(EvolutionPayloads.Envelope("messages.upsert",
            $"[{item("3EB0GOOD000000001", "kept")}, {item(new string('B', 300), "refused")}]"));

        Assert.Equal(1, await host.Consumer.DrainOnceAsync(CancellationToken.None));

        Assert.Empty((await host.Storage.IngestQueue.PeekMessagesAsync(1)).Value);
        Assert.Equal("kept", Assert.Single(await host.ListEventsAsync()).GetProperty("text").GetString());
        var letter = Assert.Single(await host.ListDeadLettersAsync());
        Assert.Equal((ingestId, "normalize", 1), (letter.GetProperty("ingest_id").GetString(), letter.GetProperty("stage").GetString(), letter.GetProperty("attempts").GetInt32()));
        Assert.Equal(
            "id too long: event 2 of 2 (message, messages.upsert/conversation): provider_event_id is 300 characters, provider_message_id is 300 characters; " +
            "an id is at most 256 characters; the payload's other 1 event(s) were stored",
            letter.GetProperty("reason").GetString());
        var quarantined = (await host.GetJsonAsync("/api/catalog/demo")).GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("status").GetString() == "quarantined");
        Assert.Equal("evolution:quarantined/id_too_long", quarantined.GetProperty("shape").GetString());
    }

    [Fact]
    public async Task LongText_ListsAndTimelinesBounded_TextContainsStillSearchesTheWholeText()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var text = new string('a', 35_000) + " needle " + new string('b', 5_000); // over a row: stored through the blob
        await host.IngestAsync(EvolutionPayloads.Text("3EB0LONGTEXT00001", text));
        await host.IngestAsync(EvolutionPayloads.Text("3EB0SHORTTEXT0001", "short", timestamp: 1764000001));
        await host.DrainIngestAsync();

        var found = Assert.Single((await host.GetJsonAsync("/api/events?instance=demo&text_contains=NEEDLE")).GetProperty("events").EnumerateArray());
        Assert.Equal((text[..4096], true, text.Length), (found.GetProperty("text").GetString(), found.GetProperty("text_truncated").GetBoolean(), found.GetProperty("text_length").GetInt32()));
        Assert.Single((await host.GetJsonAsync("/api/events?instance=demo&text_contains=needle&order=asc")).GetProperty("events").EnumerateArray());

        var entries = (await host.GetJsonAsync($"/api/conversations/demo/{Uri.EscapeDataString("5511999990001@s.whatsapp.net")}/timeline")).GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal((4096, true, text.Length), (entries[0].GetProperty("text").GetString()!.Length, entries[0].GetProperty("text_truncated").GetBoolean(), entries[0].GetProperty("text_length").GetInt32()));
        Assert.False(entries[1].TryGetProperty("text_truncated", out _));
        var conversation = Assert.Single((await host.GetJsonAsync("/api/conversations?instance=demo")).GetProperty("conversations").EnumerateArray());
        Assert.Equal("short", conversation.GetProperty("last_text").GetString());

        using var bad = await host.Client.GetAsync($"/api/events/{found.GetProperty("event_id").GetString()}?full=yes");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private async Task<OmniHost> StartWithProvidersAsync()
    {
        _server.Given(Request.Create().WithPath(SendText).UsingPost()).RespondWith(Response.Create().WithStatusCode(201).WithBodyAsJson(new
        {
            key = new { remoteJid = "5511999990001@s.whatsapp.net", fromMe = true, id = "3EB0REPLY0000009" },
            status = "PENDING",
            message = new { conversation = "ok" },
            messageType = "conversation",
            messageTimestamp = 1764000100,
        }));
        _server.Given(Request.Create().WithPath(Chat).UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new
        {
            id = "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
            @object = "chat.completion",
            created = 1741570283,
            model = "gpt-4o-mini-2024-07-18",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = "Recebi um texto longo." }, finish_reason = "stop" } },
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
}
