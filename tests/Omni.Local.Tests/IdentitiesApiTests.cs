using System.Net;
using System.Text;
using System.Text.Json;
using Omni.Local.Tests.Support;

namespace Omni.Local.Tests;

/// <summary>Acceptance 2 and 3 through HTTP: link, merge, unmerge, search, the cross-instance timeline, and bad input.</summary>
[Collection(UsesAzurite.Name)]
public sealed class IdentitiesApiTests(AzuriteFixture azurite)
{
    private const string AlicePhone = "5511977770001@s.whatsapp.net";
    private const string AliceWork = "5511977770009@s.whatsapp.net";
    private const string Bob = "5511977770002@s.whatsapp.net";
    private const string ScopedKey = "demo-only-key";

    private static readonly Dictionary<string, string?> TwoInstances = new()
    {
        ["Omni:Instances:work:Provider"] = "evolution",
        ["Omni:Instances:work:WebhookSecret"] = OmniHost.WebhookSecret,
        ["Omni:Keys:demoonly:Secret"] = ScopedKey,
        ["Omni:Keys:demoonly:Instances"] = "demo",
    };

    private static async Task<string> IdentityOfAsync(OmniHost host, string text, string instance = "demo") =>
        (await host.ListEventsAsync(instance)).Single(e => e.GetProperty("text").GetString() == text).GetProperty("identity_id").GetString()!;

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(OmniHost host, HttpMethod method, string path, string? json, string? key = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (key is not null)
        {
            request.Headers.Remove("x-functions-key");
            request.Headers.Add("x-functions-key", key);
        }

        using var response = await host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text));
    }

    private static Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(OmniHost host, string path, string json) => SendAsync(host, HttpMethod.Post, path, json);

    /// <summary>(handle, is_primary) of every handle the identity owns, sorted.</summary>
    private static async Task<List<string>> OwnershipAsync(OmniHost host, string id) =>
        [.. (await host.GetJsonAsync($"/api/identities/{id}")).GetProperty("handles").EnumerateArray()
            .Select(h => $"{h.GetProperty("handle").GetString()}|{h.GetProperty("is_primary").GetBoolean()}")
            .Order(StringComparer.Ordinal)];

    private static async Task<List<string>> TimelineAsync(OmniHost host, string id, string query = "")
    {
        var page = await host.GetJsonAsync($"/api/identities/{id}/events?limit=500{query}");
        var events = page.GetProperty("events").EnumerateArray().ToList();
        Assert.All(events, e => Assert.Equal(id, e.GetProperty("identity_id").GetString()));
        return [.. events.Select(e => e.GetProperty("text").GetString()!)];
    }

    [Fact]
    public async Task LinkMergeUnmerge_UnmergeRestoresTheExactPriorOwnership_AndTheTimelineFollows()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        await host.IngestAsync(IdentityPayloads.Direct("A1", AlicePhone, "alice 1", 1764000001, pushName: "Alice"));
        await host.IngestAsync(IdentityPayloads.Direct("W1", AliceWork, "alice at work", 1764000002, pushName: "Alice (work)"));
        await host.IngestAsync(IdentityPayloads.Direct("A2", AlicePhone, "alice 2", 1764000003, pushName: "Alice"));
        await host.IngestAsync(IdentityPayloads.Direct("B1", Bob, "bob 1", 1764000004, pushName: "Bob"));
        await host.DrainIngestAsync();
        var alice = await IdentityOfAsync(host, "alice 1");
        var work = await IdentityOfAsync(host, "alice at work");
        var bob = await IdentityOfAsync(host, "bob 1");
        Assert.Equal(3, new[] { alice, work, bob }.Distinct().Count());

        // Link a handle never seen (typed as a phone number); linking it again to the same identity is refused.
        var (linked, linkBody) = await PostAsync(host, $"/api/identities/{alice}/handles", """{"channel": "whatsapp", "handle": "+55 11 97777-0005"}""");
        Assert.Equal(HttpStatusCode.OK, linked);
        Assert.Equal("link", linkBody.GetProperty("link").GetProperty("kind").GetString());
        var (again, againBody) = await PostAsync(host, $"/api/identities/{alice}/handles", """{"channel": "whatsapp", "handle": "5511977770005@s.whatsapp.net"}""");
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Contains("already belongs", againBody.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        var aliceBefore = await OwnershipAsync(host, alice);
        var workBefore = await OwnershipAsync(host, work);
        Assert.Equal([$"{AlicePhone}|True", "5511977770005@s.whatsapp.net|False"], aliceBefore);
        Assert.Equal(["alice 2", "alice 1"], await TimelineAsync(host, alice));
        Assert.Equal(["alice at work"], await TimelineAsync(host, work));

        // Merge: the work number's identity into Alice. Her timeline now has its event, stamped with her id.
        var (merged, mergeBody) = await PostAsync(host, $"/api/identities/{alice}/merge", $$"""{"from_identity_id": "{{work}}"}""");
        Assert.Equal(HttpStatusCode.OK, merged);
        var mergeId = mergeBody.GetProperty("merge_id").GetString()!;
        Assert.Equal(alice, mergeBody.GetProperty("from_identity").GetProperty("merged_into").GetString());
        Assert.Equal([$"{AlicePhone}|True", "5511977770005@s.whatsapp.net|False", $"{AliceWork}|False"], await OwnershipAsync(host, alice));
        Assert.Empty(await OwnershipAsync(host, work));
        Assert.Equal(["alice 2", "alice at work", "alice 1"], await TimelineAsync(host, alice));
        Assert.Empty(await TimelineAsync(host, work));
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(host, $"/api/identities/{alice}/merge", $$"""{"from_identity_id": "{{work}}"}""")).Status);

        // Unmerge: exactly the prior ownership, primary flags included, and the timelines as before.
        var (unmerged, unmergeBody) = await PostAsync(host, $"/api/identities/{alice}/unmerge", $$"""{"merge_id": "{{mergeId}}"}""");
        Assert.Equal(HttpStatusCode.OK, unmerged);
        Assert.Empty(unmergeBody.GetProperty("skipped").EnumerateArray());
        Assert.Equal(aliceBefore, await OwnershipAsync(host, alice));
        Assert.Equal(workBefore, await OwnershipAsync(host, work));
        Assert.Equal(["alice 2", "alice 1"], await TimelineAsync(host, alice));
        Assert.Equal(["alice at work"], await TimelineAsync(host, work));
        Assert.Equal(JsonValueKind.Undefined, (await host.GetJsonAsync($"/api/identities/{work}")).TryGetProperty("merged_into", out var m) ? m.ValueKind : JsonValueKind.Undefined);
        Assert.Equal(["bob 1"], await TimelineAsync(host, bob));

        var (twice, twiceBody) = await PostAsync(host, $"/api/identities/{alice}/unmerge", $$"""{"merge_id": "{{mergeId}}"}""");
        Assert.Equal(HttpStatusCode.Conflict, twice);
        Assert.Contains("already undone", twiceBody.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        var kinds = (await host.GetJsonAsync($"/api/identities/{alice}/links")).GetProperty("links").EnumerateArray().Select(l => l.GetProperty("kind").GetString());
        Assert.Equal(["link", "merge", "unmerge"], kinds);

        // Linking a handle that belongs to someone else moves it (recorded), and the timeline follows.
        var (moved, movedBody) = await PostAsync(host, $"/api/identities/{alice}/handles", $$"""{"channel": "whatsapp", "handle": "{{Bob}}"}""");
        Assert.Equal(HttpStatusCode.OK, moved);
        Assert.Equal(bob, movedBody.GetProperty("link").GetProperty("from_identity_id").GetString());
        Assert.Equal(["bob 1", "alice 2", "alice 1"], await TimelineAsync(host, alice));
        Assert.Empty(await TimelineAsync(host, bob));
    }

    [Fact]
    public async Task Search_FindsMaeByMae_CaseAndAccentInsensitive_AndByHandle()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        await host.IngestAsync(IdentityPayloads.Direct("S1", AlicePhone, "oi filho", 1764000001, pushName: "Mãe"));
        await host.IngestAsync(IdentityPayloads.Direct("S2", Bob, "yo", 1764000002, pushName: "Maestro Bob"));
        await host.IngestAsync(IdentityPayloads.Direct("S3", AliceWork, "hey", 1764000003, pushName: "Tia Mãezinha"));
        await host.DrainIngestAsync();
        var mom = await IdentityOfAsync(host, "oi filho");

        foreach (var q in new[] { "mae", "MÃE", "Mae" })
        {
            var found = (await host.GetJsonAsync($"/api/identities?q={Uri.EscapeDataString(q)}")).GetProperty("identities").EnumerateArray().ToList();
            Assert.Equal(["Mãe", "Maestro Bob", "Tia Mãezinha"], found.Select(i => i.GetProperty("display_name").GetString()));
            Assert.Equal(mom, found[0].GetProperty("identity_id").GetString());
            Assert.Equal("whatsapp", found[0].GetProperty("preferred_channel").GetString());
            Assert.Equal(AlicePhone, Assert.Single(found[0].GetProperty("handles").EnumerateArray()).GetProperty("handle").GetString());
        }

        var byHandle = (await host.GetJsonAsync("/api/identities?q=%2B55%2011%2097777-0001")).GetProperty("identities").EnumerateArray();
        Assert.Equal([mom], byHandle.Select(i => i.GetProperty("identity_id").GetString()));
        Assert.Empty((await host.GetJsonAsync("/api/identities?q=nobody")).GetProperty("identities").EnumerateArray());
    }

    [Fact]
    public async Task Timeline_ReturnsOnePersonsEventsFromTwoInstances_NewestFirst_PagedWithoutGapsOrRepeats()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: TwoInstances);
        await host.IngestAsync(IdentityPayloads.Direct("D1", AlicePhone, "demo 1", 1764000001, pushName: "Alice"));
        await host.IngestAsync(IdentityPayloads.Direct("K1", AliceWork, "work 1", 1764000002, pushName: "Alice W"), "work");
        await host.IngestAsync(IdentityPayloads.Direct("D2", AlicePhone, "demo 2", 1764000003, pushName: "Alice"));
        await host.IngestAsync(IdentityPayloads.Direct("K2", AliceWork, "work 2", 1764000004, pushName: "Alice W"), "work");
        await host.IngestAsync(IdentityPayloads.Direct("K3", AlicePhone, "demo phone on work", 1764000005, pushName: "Alice"), "work");
        await host.IngestAsync(IdentityPayloads.Direct("D3", Bob, "bob", 1764000006, pushName: "Bob"));
        await host.DrainIngestAsync();
        var alice = await IdentityOfAsync(host, "demo 1");
        Assert.NotEqual(alice, await IdentityOfAsync(host, "work 1", "work"));

        // Her phone is global to WhatsApp: its events on both instances are hers already; link the work number too.
        Assert.Equal(["demo phone on work", "demo 2", "demo 1"], await TimelineAsync(host, alice));
        var (status, _) = await PostAsync(host, $"/api/identities/{alice}/handles", $$"""{"channel": "whatsapp", "handle": "{{AliceWork}}"}""");
        Assert.Equal(HttpStatusCode.OK, status);

        var all = await TimelineAsync(host, alice);
        Assert.Equal(["demo phone on work", "work 2", "demo 2", "work 1", "demo 1"], all);
        var page = await host.GetJsonAsync($"/api/identities/{alice}/events");
        Assert.Equal(["work", "demo"], page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("instance").GetString()).Distinct());

        // Pages of two: the same five, in order, no repeats, and no continuation after the last.
        var paged = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var p = await host.GetJsonAsync($"/api/identities/{alice}/events?limit=2" + (continuation is null ? "" : "&continuation=" + continuation));
            paged.AddRange(p.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("text").GetString()!));
            continuation = p.TryGetProperty("continuation", out var c) ? c.GetString() : null;
            pages++;
        }
        while (continuation is not null);
        Assert.Equal(all, paged);
        Assert.Equal(3, pages);

        // A window [from, to) by occurred_at.
        var from = Uri.EscapeDataString(DateTimeOffset.FromUnixTimeSeconds(1764000002).ToString("O"));
        var to = Uri.EscapeDataString(DateTimeOffset.FromUnixTimeSeconds(1764000005).ToString("O"));
        Assert.Equal(["work 2", "demo 2", "work 1"], await TimelineAsync(host, alice, $"&from={from}&to={to}"));

        // A key scoped to demo sees only demo's events.
        var (scoped, scopedBody) = await SendAsync(host, HttpMethod.Get, $"/api/identities/{alice}/events", null, ScopedKey);
        Assert.Equal(HttpStatusCode.OK, scoped);
        Assert.Equal(["demo 2", "demo 1"], scopedBody.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("text").GetString()));
        var (forbidden, _) = await SendAsync(host, HttpMethod.Patch, $"/api/identities/{alice}", """{"display_name": "x"}""", ScopedKey);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
    }

    [Fact]
    public async Task Bug_ScopedKeyReadsTheWholeIdentityRegistry()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: TwoInstances);
        await host.IngestAsync(EvolutionPayloads.Text("3EB0SCOPEID00001", "alice on demo", AlicePhone, 1764000001));
        await host.IngestAsync(EvolutionPayloads.Text("3EB0SCOPEID00002", "bob on work", Bob, 1764000002), "work");
        await host.IngestAsync(EvolutionPayloads.Text("3EB0SCOPEID00003", "carol on work", AliceWork, 1764000003), "work");
        await host.IngestAsync(EvolutionPayloads.Text("3EB0SCOPEID00004", "carol on demo too", AliceWork, 1764000004));
        await host.DrainIngestAsync();
        var alice = await IdentityOfAsync(host, "alice on demo");
        var bob = await IdentityOfAsync(host, "bob on work", "work");
        var carol = await IdentityOfAsync(host, "carol on work", "work");

        // Every handle records the instances that showed it; the first sight and a later instance alike.
        var carolHandle = (await host.GetJsonAsync($"/api/identities/{carol}")).GetProperty("handles")[0];
        // (The two messages may be normalized in either order, so either instance can be the first sight.)
        Assert.Equal(["demo", "work"], carolHandle.GetProperty("seen_on").EnumerateArray().Select(i => i.GetString()!).Order(StringComparer.Ordinal));

        // A key scoped to demo finds the people seen on demo only; bob (seen only on work) is as unknown as a made-up id.
        var (status, found) = await SendAsync(host, HttpMethod.Get, "/api/identities?limit=50", null, ScopedKey);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(new[] { alice, carol }.Order(StringComparer.Ordinal),
            found.GetProperty("identities").EnumerateArray().Select(i => i.GetProperty("identity_id").GetString()!).Order(StringComparer.Ordinal));
        foreach (var path in new[] { $"/api/identities/{bob}", $"/api/identities/{bob}/events" })
        {
            var (hidden, body) = await SendAsync(host, HttpMethod.Get, path, null, ScopedKey);
            Assert.True(hidden == HttpStatusCode.NotFound, $"{path} answered {(int)hidden}");
            Assert.Equal($"no identity '{bob}'", body.GetProperty("error").GetProperty("message").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(host, HttpMethod.Get, $"/api/identities/{carol}", null, ScopedKey)).Status);
        // The link history names handles and evidence of every instance: unscoped keys only.
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(host, HttpMethod.Get, $"/api/identities/{alice}/links", null, ScopedKey)).Status);
    }

    [Fact]
    public async Task BadInput_UnknownIds404_SelfLinksAndSelfMerges409_MalformedBodies400_NoKey401()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        await host.IngestAsync(IdentityPayloads.Direct("X1", AlicePhone, "x", 1764000001, pushName: "Alice"));
        await host.DrainIngestAsync();
        var alice = await IdentityOfAsync(host, "x");
        const string unknown = "idn_00000000000000000000000000000000";

        foreach (var (method, path, body) in new (HttpMethod, string, string?)[]
                 {
                     (HttpMethod.Get, $"/api/identities/{unknown}", null),
                     (HttpMethod.Get, "/api/identities/not-an-id", null),
                     (HttpMethod.Get, $"/api/identities/{unknown}/events", null),
                     (HttpMethod.Get, $"/api/identities/{unknown}/links", null),
                     (HttpMethod.Patch, $"/api/identities/{unknown}", """{"display_name": "x"}"""),
                     (HttpMethod.Post, $"/api/identities/{unknown}/handles", """{"channel": "whatsapp", "handle": "5511900000000"}"""),
                     (HttpMethod.Post, $"/api/identities/{unknown}/merge", $$"""{"from_identity_id": "{{alice}}"}"""),
                     (HttpMethod.Post, $"/api/identities/{alice}/merge", $$"""{"from_identity_id": "{{unknown}}"}"""),
                     (HttpMethod.Post, $"/api/identities/{alice}/unmerge", """{"merge_id": "mrg_20251124120000000aaaaaaaaaaaa"}"""),
                     (HttpMethod.Post, $"/api/identities/{alice}/unmerge", """{"merge_id": "nonsense"}"""),
                 })
        {
            var (status, error) = await SendAsync(host, method, path, body);
            Assert.True(status == HttpStatusCode.NotFound, $"{method} {path}: {status} {error}");
            Assert.Equal("not_found", error.GetProperty("error").GetProperty("code").GetString());
        }

        var (selfLink, selfLinkBody) = await PostAsync(host, $"/api/identities/{alice}/handles", $$"""{"channel": "whatsapp", "handle": "{{AlicePhone}}"}""");
        Assert.Equal(HttpStatusCode.Conflict, selfLink);
        Assert.Equal("conflict", selfLinkBody.GetProperty("error").GetProperty("code").GetString());
        var (selfMerge, selfMergeBody) = await PostAsync(host, $"/api/identities/{alice}/merge", $$"""{"from_identity_id": "{{alice}}"}""");
        Assert.Equal(HttpStatusCode.Conflict, selfMerge);
        Assert.Contains("itself", selfMergeBody.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        foreach (var (method, path, body, named) in new (HttpMethod, string, string, string)[]
                 {
                     (HttpMethod.Post, "handles", "not json", "not valid JSON"),
                     (HttpMethod.Post, "handles", "[1]", "JSON object"),
                     (HttpMethod.Post, "handles", """{"channel": "whatsapp"}""", "handle"),
                     (HttpMethod.Post, "handles", """{"channel": "whatsapp", "handle": "120363000000000001@g.us"}""", "handle"),
                     (HttpMethod.Post, "handles", """{"channel": "myspace", "handle": "x"}""", "channel"),
                     (HttpMethod.Post, "handles", """{"channel": "whatsapp", "handle": "5511900000000", "instance": "demo"}""", "instance"),
                     (HttpMethod.Post, "handles", """{"channel": "whatsapp", "handle": "5511900000000", "is_primary": "yes"}""", "is_primary"),
                     (HttpMethod.Post, "handles", """{"channel": "whatsapp", "handel": "5511900000000"}""", "handel"),
                     (HttpMethod.Post, "merge", "{}", "from_identity_id"),
                     (HttpMethod.Post, "merge", """{"from_identity_id": 7}""", "from_identity_id"),
                     (HttpMethod.Post, "unmerge", "{}", "merge_id"),
                     (HttpMethod.Patch, "", "{}", "at least one"),
                     (HttpMethod.Patch, "", """{"entity_type": "alien"}""", "entity_type"),
                     (HttpMethod.Patch, "", """{"preferred_channel": "fax"}""", "preferred_channel"),
                 })
        {
            var (status, error) = await SendAsync(host, method, $"/api/identities/{alice}" + (path.Length == 0 ? "" : "/" + path), body);
            Assert.True(status == HttpStatusCode.BadRequest, $"{method} {path} {body}: {status} {error}");
            Assert.Contains(named, error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        foreach (var query in new[] { "limit=0", "limit=abc", "from=yesterday", "to=2025-01-01T00:00:00Z&from=2025-02-01T00:00:00Z", "continuation=%%%", "continuation=cDp4" })
        {
            var (status, _) = await SendAsync(host, HttpMethod.Get, $"/api/identities/{alice}/events?{query}", null);
            Assert.True(status == HttpStatusCode.BadRequest, $"{query}: {status}");
        }

        var (patched, patchedBody) = await SendAsync(host, HttpMethod.Patch, $"/api/identities/{alice}",
            """{"display_name": "Alice Liddell", "preferred_channel": "telegram", "entity_type": "person"}""");
        Assert.Equal(HttpStatusCode.OK, patched);
        Assert.Equal("Alice Liddell", patchedBody.GetProperty("display_name").GetString());
        Assert.Equal("telegram", patchedBody.GetProperty("preferred_channel").GetString());

        using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress };
        foreach (var path in new[] { "/api/identities", $"/api/identities/{alice}", $"/api/identities/{alice}/events" })
        {
            using var none = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        }

        using var post = await anonymous.PostAsync($"/api/identities/{alice}/merge", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
    }
}
