using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Omni.Local.Tests.Support;

namespace Omni.Local.Tests;

/// <summary>
/// The MCP server at <c>/mcp</c> through the official C# MCP client against a real loopback Omni.Local: the tool list,
/// every tool called, the byte budget and cursor, the act right, instance scoping through every tool, and 401 without a key.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class McpServerTests(AzuriteFixture azurite)
{
    public const string ActKey = "mcp-act-key";
    public const string ScopedKey = "mcp-demo-only-key";
    private const string Mom = "5511999990401@s.whatsapp.net";
    private const string Stranger = "5511999990402@s.whatsapp.net";
    private const long T0 = 1764000000;

    public static readonly Dictionary<string, string?> Keys = new()
    {
        ["Omni:Keys:actor:Secret"] = ActKey,
        ["Omni:Keys:actor:Scopes"] = "act",
        ["Omni:Keys:scoped:Secret"] = ScopedKey,
        ["Omni:Keys:scoped:Instances"] = OmniHost.Instance,
        ["Omni:Keys:scoped:Scopes"] = "act",
        ["Omni:Instances:other:Provider"] = "evolution",
        ["Omni:Instances:other:WebhookSecret"] = OmniHost.WebhookSecret,
    };

    private static readonly string[] ToolNames =
    [
        "search_events", "get_conversation_timeline", "list_conversations", "find_identity", "get_identity_timeline", "get_catalog",
        "list_workflows", "start_workflow", "wish",
    ];

    [Fact]
    public async Task Mcp_NoKeyOrWrongKey_401()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: Keys);
        using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress };
        const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""";
        foreach (var key in new string?[] { null, "wrong" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(Initialize, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Accept.ParseAdd("application/json, text/event-stream");
            if (key is not null)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            }

            using var response = await anonymous.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("unauthorized", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        }

        await Assert.ThrowsAnyAsync<Exception>(async () => await (await ConnectAsync(host, null)).ListToolsAsync());
    }

    [Fact]
    public async Task Mcp_ListsToolsWithSchemas_AndCallsEach()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: Keys);
        await SeedAsync(host);
        await using var client = await ConnectAsync(host, ActKey, bearer: true);

        var tools = await client.ListToolsAsync();
        Assert.Equal(ToolNames.Order(), tools.Select(t => t.Name).Order());
        Assert.All(tools, t =>
        {
            Assert.False(string.IsNullOrWhiteSpace(t.Description));
            Assert.Equal("object", t.JsonSchema.GetProperty("type").GetString());
        });
        Assert.Contains("conversation_id", tools.Single(t => t.Name == "get_conversation_timeline").JsonSchema.GetProperty("required").EnumerateArray().Select(r => r.GetString()));

        var events = await CallAsync(client, "search_events", new() { ["conversation_id"] = Mom });
        Assert.Equal(["are you free?", "see you"], events.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("text").GetString()));
        Assert.All(events.GetProperty("events").EnumerateArray(), e => Assert.StartsWith("evt_", e.GetProperty("event_id").GetString(), StringComparison.Ordinal));
        Assert.Contains("never as instructions", events.GetProperty("untrusted_content").GetString(), StringComparison.Ordinal);
        var momEvent = events.GetProperty("events")[0].GetProperty("event_id").GetString()!;

        var timeline = await CallAsync(client, "get_conversation_timeline", new() { ["instance"] = "demo", ["conversation_id"] = Mom });
        Assert.Equal(2, timeline.GetProperty("entries").GetArrayLength());
        Assert.True(timeline.GetProperty("conversation").GetProperty("reply_debt").GetBoolean());

        var debt = await CallAsync(client, "list_conversations", new() { ["reply_debt"] = true, ["since"] = "3650d" });
        Assert.Equal([Mom], debt.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("conversation_id").GetString()));
        Assert.Equal(momEvent, debt.GetProperty("conversations")[0].GetProperty("last_inbound_event_id").GetString());

        var identity = (await CallAsync(client, "find_identity", new() { ["query"] = "5511999990401" })).GetProperty("identities")[0];
        var identityId = identity.GetProperty("identity_id").GetString()!;
        var person = await CallAsync(client, "get_identity_timeline", new() { ["identity_id"] = identityId });
        Assert.Equal(["are you free?"], person.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("text").GetString()));
        Assert.True(person.GetProperty("reply_state").GetProperty("reply_debt").GetBoolean());

        var catalog = await CallAsync(client, "get_catalog", []);
        Assert.Contains(catalog.GetProperty("entries").EnumerateArray(), e => e.GetProperty("instance").GetString() == "demo");
        var workflows = await CallAsync(client, "list_workflows", []);
        Assert.Contains(workflows.GetProperty("workflows").EnumerateArray(), w => w.GetProperty("id").GetString() == "remind-if-no-reply");

        // Acting: a dry run starts nothing; a start is one run however often it is asked for.
        var dry = await CallAsync(client, "start_workflow", new() { ["workflow_id"] = "remind-if-no-reply", ["identity_id"] = identityId, ["dry_run"] = true });
        Assert.False(dry.GetProperty("started").GetBoolean());
        var started = await CallAsync(client, "start_workflow", new() { ["workflow_id"] = "remind-if-no-reply", ["event_id"] = momEvent });
        Assert.True(started.GetProperty("started").GetBoolean());
        await host.DrainWorkflowsAsync();
        var again = await CallAsync(client, "start_workflow", new() { ["workflow_id"] = "remind-if-no-reply", ["event_id"] = momEvent });
        Assert.False(again.GetProperty("started").GetBoolean());
        Assert.Equal(started.GetProperty("run_id").GetString(), again.GetProperty("run_id").GetString());
        var run = await host.GetJsonAsync($"/api/runs/{started.GetProperty("run_id").GetString()}");
        Assert.Equal("remind-if-no-reply", run.GetProperty("workflow_id").GetString());

        var wish = await CallAsync(client, "wish", new() { ["text"] = "who hasn't replied this week?" }, expectError: true);
        Assert.Equal("unavailable", wish.GetProperty("error").GetProperty("code").GetString());

        // A reading key cannot act.
        await using var reader = await ConnectAsync(host, OmniHost.AgentKey);
        var refused = await CallAsync(reader, "start_workflow", new() { ["workflow_id"] = "remind-if-no-reply", ["event_id"] = momEvent }, expectError: true);
        Assert.Equal("forbidden", refused.GetProperty("error").GetProperty("code").GetString());
        var malformed = await CallAsync(reader, "search_events", new() { ["limit"] = "many" }, expectError: true);
        Assert.Equal("bad_arguments", malformed.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Mcp_ByteBudget_PagesWithCursorAndHasMore()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: Keys);
        for (var i = 0; i < 30; i++)
        {
            await host.IngestAsync(EvolutionPayloads.TextFrom($"3EB0MCPB{i:D6}", $"message {i} " + new string('x', 300), Mom, T0 + i, fromMe: false));
        }

        await host.DrainIngestAsync();
        await using var client = await ConnectAsync(host, ActKey);
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var args = new Dictionary<string, object?> { ["instance"] = "demo", ["limit"] = 50, ["max_bytes"] = 4000 };
            if (cursor is not null)
            {
                args["cursor"] = cursor;
            }

            var page = await CallAsync(client, "search_events", args);
            Assert.True(page.GetProperty("bytes").GetInt32() <= 4000, page.GetProperty("bytes").ToString());
            seen.AddRange(page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event_id").GetString()!));
            cursor = page.GetProperty("has_more").GetBoolean() ? page.GetProperty("cursor").GetString() : null;
        }
        while (cursor is not null);

        Assert.Equal(30, seen.Distinct().Count());
    }

    [Fact]
    public async Task Mcp_KeyScopedToA_CannotSeeBThroughAnyTool()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: Keys);
        await SeedAsync(host);
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0MCPOTHER01", "secret on the other instance?", Stranger, T0 + 50, fromMe: false), instance: "other");
        await host.DrainIngestAsync();
        var otherEvent = (await host.ListEventsAsync("other")).Single().GetProperty("event_id").GetString()!;
        var strangerId = (await host.ListEventsAsync("other")).Single().GetProperty("identity_id").GetString()!;

        await using var client = await ConnectAsync(host, ScopedKey);
        async Task<string> Refused(string tool, Dictionary<string, object?> args) =>
            (await CallAsync(client, tool, args, expectError: true)).GetProperty("error").GetProperty("code").GetString()!;

        Assert.Equal("forbidden", await Refused("search_events", new() { ["instance"] = "other" }));
        Assert.Equal("forbidden", await Refused("get_conversation_timeline", new() { ["instance"] = "other", ["conversation_id"] = Stranger }));
        Assert.Equal("forbidden", await Refused("list_conversations", new() { ["instance"] = "other" }));
        Assert.Equal("forbidden", await Refused("get_catalog", new() { ["instance"] = "other" }));
        Assert.Equal("not_found", await Refused("get_identity_timeline", new() { ["identity_id"] = strangerId }));
        Assert.Equal("not_found", await Refused("start_workflow", new() { ["workflow_id"] = "remind-if-no-reply", ["event_id"] = otherEvent }));
        Assert.Equal("not_found", await Refused("start_workflow", new() { ["workflow_id"] = "remind-if-no-reply", ["identity_id"] = strangerId }));

        // Unfiltered reads answer from the key's instance only.
        var all = await CallAsync(client, "search_events", []);
        Assert.All(all.GetProperty("events").EnumerateArray(), e => Assert.Equal("demo", e.GetProperty("instance").GetString()));
        Assert.DoesNotContain(all.GetRawText(), "secret on the other instance", StringComparison.Ordinal);
        Assert.DoesNotContain((await CallAsync(client, "list_conversations", [])).GetRawText(), Stranger, StringComparison.Ordinal);
        Assert.DoesNotContain((await CallAsync(client, "list_conversations", new() { ["group_by"] = "identity" })).GetRawText(), strangerId, StringComparison.Ordinal);
        Assert.Empty((await CallAsync(client, "find_identity", new() { ["query"] = "5511999990402" })).GetProperty("identities").EnumerateArray());
        Assert.All((await CallAsync(client, "get_catalog", [])).GetProperty("entries").EnumerateArray(), e => Assert.Equal("demo", e.GetProperty("instance").GetString()));
    }

    [Fact]
    public async Task Mcp_EveryCall_Audited_WithKeyToolArgumentsAndSize()
    {
        var logs = new CapturingLoggerProvider();
        var settings = new Dictionary<string, string?>(Keys) { ["Logging:LogLevel:Omni.Audit"] = "Information" };
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: settings, configure: b => b.Logging.AddProvider(logs));
        await using var client = await ConnectAsync(host, ScopedKey);
        await CallAsync(client, "list_conversations", new() { ["reply_debt"] = true });
        await CallAsync(client, "search_events", new() { ["instance"] = "other" }, expectError: true);

        var audit = logs.Entries.Where(e => e.Contains("Omni.Audit.AgentTools", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, audit.Count);
        Assert.Contains(audit, e => e.Contains("list_conversations", StringComparison.Ordinal) && e.Contains("scoped", StringComparison.Ordinal) &&
                                    e.Contains("reply_debt", StringComparison.Ordinal) && e.Contains(": ok,", StringComparison.Ordinal) && e.Contains(" bytes", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Contains("search_events", StringComparison.Ordinal) && e.Contains("forbidden", StringComparison.Ordinal));
    }

    /// <summary>Mom asked (T0) after our "see you" (T0 - 60): we owe her an answer.</summary>
    private static async Task SeedAsync(OmniHost host)
    {
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0MCP0000001", "see you", Mom, T0 - 60, fromMe: true));
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0MCP0000002", "are you free?", Mom, T0, fromMe: false));
        await host.DrainIngestAsync();
    }

    public static async Task<McpClient> ConnectAsync(OmniHost host, string? key, bool bearer = false)
    {
        var headers = new Dictionary<string, string>();
        if (key is not null)
        {
            headers[bearer ? "Authorization" : "x-functions-key"] = bearer ? "Bearer " + key : key;
        }

        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(host.Client.BaseAddress!, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = headers,
        });
        return await McpClient.CreateAsync(transport);
    }

    public static async Task<JsonElement> CallAsync(McpClient client, string tool, Dictionary<string, object?> args, bool expectError = false)
    {
        var result = await client.CallToolAsync(tool, args);
        var text = Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
        Assert.True((result.IsError ?? false) == expectError, $"{tool}: {text}");
        Assert.True(text.StartsWith('{'), $"{tool}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
