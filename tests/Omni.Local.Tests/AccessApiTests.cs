using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Omni.Local.Tests.Support;
using Omni.Services.Http;

namespace Omni.Local.Tests;

/// <summary>Traces, instance-scoped keys and the OpenAPI contract.</summary>
[Collection(UsesAzurite.Name)]
public sealed class AccessApiTests(AzuriteFixture azurite)
{
    private const string ScopedKey = "scoped-to-other";

    private static Dictionary<string, string?> TwoInstancesAndScopedKey() => new()
    {
        ["Omni:Instances:other:Provider"] = "evolution",
        ["Omni:Instances:other:WebhookSecret"] = OmniHost.WebhookSecret,
        ["Omni:Keys:scoped:Secret"] = ScopedKey,
        ["Omni:Keys:scoped:Instances"] = "other",
    };

    [Fact]
    public async Task Trace_ShowsIngestNormalizeAndNoWorkflowRunsYet()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var ingestId = await host.IngestAsync(EvolutionPayloads.Text("3EB0TRACE0000001", "trace me"));
        await host.Consumer.DrainOnceAsync(CancellationToken.None);
        var e = Assert.Single(await host.ListEventsAsync());
        var id = e.GetProperty("event_id").GetString()!;

        var trace = await host.GetJsonAsync($"/api/events/{id}/trace");
        Assert.Equal(id, trace.GetProperty("event_id").GetString());
        var ingest = trace.GetProperty("ingest");
        Assert.Equal(ingestId, ingest.GetProperty("ingest_id").GetString());
        Assert.Equal(e.GetProperty("raw_blob").GetString(), ingest.GetProperty("raw_blob").GetString());
        Assert.Equal(e.GetProperty("received_at").GetString(), ingest.GetProperty("received_at").GetString());
        var normalize = trace.GetProperty("normalize");
        Assert.Equal("evolution", normalize.GetProperty("normalizer").GetString());
        Assert.InRange(normalize.GetProperty("duration_ms").GetDouble(), 0, 5000);
        var received = ingest.GetProperty("received_at").GetDateTimeOffset();
        Assert.InRange(normalize.GetProperty("started_at").GetDateTimeOffset(), received.AddSeconds(-1), received.AddMinutes(1));
        Assert.True(normalize.GetProperty("stored_at").GetDateTimeOffset() >= received.AddSeconds(-1));
        var identity = normalize.GetProperty("identity");
        Assert.Equal("resolved", identity.GetProperty("status").GetString());
        Assert.Matches("^idn_[0-9a-f]{32}$", identity.GetProperty("identity_id").GetString());
        Assert.Equal(e.GetProperty("identity_id").GetString(), identity.GetProperty("identity_id").GetString());
        Assert.Equal(0, trace.GetProperty("workflow_runs").GetArrayLength());

        using var missing = await host.Client.GetAsync("/api/events/evt_demo_00000000000000000000000000000000/trace");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task ScopedKey_OtherInstance_403OnEventsConversationsCatalogueAndTraces()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: TwoInstancesAndScopedKey());
        await host.IngestAsync(EvolutionPayloads.Text("3EB0SCOPE0000001", "demo secret"));
        await host.IngestAsync(EvolutionPayloads.Text("3EB0SCOPE0000002", "other text"), "other");
        await host.Consumer.DrainOnceAsync(CancellationToken.None);
        var demoEvent = Assert.Single(await host.ListEventsAsync()).GetProperty("event_id").GetString()!;
        const string Chat = "5511999990001%40s.whatsapp.net";

        using var scoped = new HttpClient { BaseAddress = host.Client.BaseAddress };
        scoped.DefaultRequestHeaders.Add("x-functions-key", ScopedKey);
        foreach (var path in new[]
        {
            "/api/events?instance=demo", $"/api/events?instance=demo&conversation_id={Chat}", $"/api/events/{demoEvent}",
            $"/api/events/{demoEvent}/raw", $"/api/events/{demoEvent}/trace", "/api/conversations?instance=demo",
            $"/api/conversations/demo/{Chat}/timeline", "/api/catalog/demo", "/api/deadletters?instance=demo",
        })
        {
            using var response = await scoped.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{path} answered {(int)response.StatusCode}");
            var error = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync()).GetProperty("error");
            Assert.Equal("forbidden", error.GetProperty("code").GetString());
        }

        // Its own instance works, and the cross-instance routes show only what it may read.
        foreach (var path in new[] { "/api/events?instance=other", "/api/conversations?instance=other", $"/api/conversations/other/{Chat}/timeline", "/api/catalog/other" })
        {
            using var response = await scoped.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
        }

        var merged = JsonSerializer.Deserialize<JsonElement>(await scoped.GetStringAsync("/api/events"));
        Assert.Equal(["other text"], merged.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("text").GetString()));
        var catalog = JsonSerializer.Deserialize<JsonElement>(await scoped.GetStringAsync("/api/catalog"));
        Assert.All(catalog.GetProperty("entries").EnumerateArray(), e => Assert.Equal("other", e.GetProperty("instance").GetString()));
        Assert.NotEqual(0, catalog.GetProperty("entries").GetArrayLength());

        // An unscoped key sees both.
        var everything = await host.GetJsonAsync("/api/events");
        Assert.Equal(2, everything.GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task Bug_ScopedKeyReadsOtherInstancesDeadLetters()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: TwoInstancesAndScopedKey());
        await host.IngestAsync("{ not json at all"u8.ToArray());
        await host.IngestAsync("{ not json either"u8.ToArray(), "other");
        await host.Consumer.DrainOnceAsync(CancellationToken.None);
        using var scoped = new HttpClient { BaseAddress = host.Client.BaseAddress };
        scoped.DefaultRequestHeaders.Add("x-functions-key", ScopedKey);

        // Without ?instance= a scoped key lists only its own instances' dead letters; an unscoped key lists all.
        var own = JsonSerializer.Deserialize<JsonElement>(await scoped.GetStringAsync("/api/deadletters"));
        Assert.Equal(["other"], own.GetProperty("dead_letters").EnumerateArray().Select(d => d.GetProperty("instance").GetString()));
        var all = await host.GetJsonAsync("/api/deadletters");
        Assert.Equal(["demo", "other"], all.GetProperty("dead_letters").EnumerateArray().Select(d => d.GetProperty("instance").GetString()).Order());
        using var other = await scoped.GetAsync("/api/deadletters?instance=demo");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task IdentityChanges_ScopedKey_403BeforeAnyWork()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: TwoInstancesAndScopedKey());
        using var scoped = new HttpClient { BaseAddress = host.Client.BaseAddress };
        scoped.DefaultRequestHeaders.Add("x-functions-key", ScopedKey);
        const string Id = "idn_00000000000000000000000000000000";
        foreach (var (method, path) in new[]
        {
            (HttpMethod.Patch, $"/api/identities/{Id}"), (HttpMethod.Post, $"/api/identities/{Id}/handles"),
            (HttpMethod.Post, $"/api/identities/{Id}/merge"), (HttpMethod.Post, $"/api/identities/{Id}/unmerge"),
        })
        {
            // The body is not even valid: the route's access is checked before the handler reads it.
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent("not json") };
            using var response = await scoped.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task QueryRoutes_WithoutKey_401()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress };
        foreach (var path in new[] { "/api/events", "/api/events/evt_x/trace", "/api/conversations?instance=demo", "/api/conversations/demo/x/timeline", "/api/catalog", "/api/catalog/demo" })
        {
            using var response = await anonymous.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{path} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task OpenApi_ServedDocumentIsTheCheckedInFile()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress };
        var served = await anonymous.GetStringAsync("/api/openapi.json");
        var file = Path.Combine(Fixtures.RepositoryRoot, "docs", "openapi.json");

        // Never rewritten here (a test that rewrites its golden file cannot fail): scripts/openapi.sh does that.
        Assert.True(File.Exists(file), "docs/openapi.json is missing: run `bash scripts/openapi.sh` and commit it");
        Assert.True(served == await File.ReadAllTextAsync(file),
            "docs/openapi.json is not the document generated from ApiRoutes and src/Omni.Services/Http/OpenApi/*.json (what " +
            "GET /api/openapi.json serves): run `bash scripts/openapi.sh` and commit docs/openapi.json");
        var doc = JsonSerializer.Deserialize<JsonElement>(served);
        Assert.Equal("3.0.3", doc.GetProperty("openapi").GetString());
        foreach (var schema in new[] { "Event", "Identity", "CatalogEntry", "DeadLetter", "Error" })
        {
            Assert.True(doc.GetProperty("components").GetProperty("schemas").TryGetProperty(schema, out _), $"schema {schema} is missing");
        }
    }

    [Fact]
    public async Task OpenApi_DescribesExactlyTheRoutesOmniLocalMaps()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var mapped = host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>() is not null) // the fallback answers what no route takes
            // The MCP endpoint speaks JSON-RPC, not REST: its tools are described by the MCP tool list (docs/agents.md).
            .Where(e => !e.RoutePattern.RawText!.StartsWith(Omni.Local.Mcp.OmniMcpServer.Path, StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m.ToUpperInvariant()} /{e.RoutePattern.RawText!.TrimStart('/')}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var doc = JsonSerializer.Deserialize<JsonElement>(OpenApiDocument.Json);
        var described = doc.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {p.Name}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(mapped);
        Assert.True(mapped.SequenceEqual(described),
            $"routes not in docs/openapi.json: [{string.Join(", ", mapped.Except(described))}]; " +
            $"described but not mapped: [{string.Join(", ", described.Except(mapped))}]");
    }
}
