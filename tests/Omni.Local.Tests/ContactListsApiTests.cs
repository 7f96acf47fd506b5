using System.Net;
using System.Text.Json;
using Omni.Engine.Json;
using Omni.Local.Tests.Support;

namespace Omni.Local.Tests;

/// <summary>The stored contact lists' API through HTTP: canonical entries, idempotent add and remove, clear 400s, keys and scopes.</summary>
[Collection(UsesAzurite.Name)]
public sealed class ContactListsApiTests(AzuriteFixture azurite)
{
    private const string ScopedKey = "scoped-to-other";
    private const string Identity = "idn_0123456789abcdef0123456789abcdef";

    private static Dictionary<string, string?> Settings() => new()
    {
        ["Omni:Instances:other:Provider"] = "evolution",
        ["Omni:Instances:other:WebhookSecret"] = "other-secret",
        ["Omni:Keys:scoped:Secret"] = ScopedKey,
        ["Omni:Keys:scoped:Instances"] = "other",
    };

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonSerializer.Deserialize<JsonElement>(text, OmniJson.Options));
    }

    [Fact]
    public async Task PutGetDelete_CanonicalEntries_IdempotentBothWays()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: Settings());

        var (status, added) = await SendAsync(host.Client, HttpMethod.Put, "/api/contact-lists/demo/blocked/+55%2011%2099999-0001");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(("5511999990001@s.whatsapp.net", "handle", true),
            (added.GetProperty("entry").GetString(), added.GetProperty("kind").GetString(), added.GetProperty("added").GetBoolean()));

        // The same person in the JID spelling (with a device suffix) is the same entry.
        var (again, same) = await SendAsync(host.Client, HttpMethod.Put, "/api/contact-lists/demo/blocked/5511999990001%3A7%40s.whatsapp.net");
        Assert.Equal((HttpStatusCode.OK, false), (again, same.GetProperty("added").GetBoolean()));
        Assert.Equal(added.GetProperty("added_at").GetString(), same.GetProperty("added_at").GetString());

        var (identityStatus, identity) = await SendAsync(host.Client, HttpMethod.Put, "/api/contact-lists/demo/blocked/" + Identity.ToUpperInvariant());
        Assert.Equal(HttpStatusCode.Created, identityStatus);
        Assert.Equal((Identity, "identity"), (identity.GetProperty("entry").GetString(), identity.GetProperty("kind").GetString()));
        await SendAsync(host.Client, HttpMethod.Put, "/api/contact-lists/demo/vip/120363000000000001%40g.us");

        var list = await host.GetJsonAsync("/api/contact-lists/demo/blocked");
        Assert.Equal(("demo", "blocked"), (list.GetProperty("instance").GetString(), list.GetProperty("list").GetString()));
        Assert.Equal(["5511999990001@s.whatsapp.net", Identity], list.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("entry").GetString()));
        Assert.Equal(["120363000000000001@g.us"],
            (await host.GetJsonAsync("/api/contact-lists/demo/vip")).GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("entry").GetString()));
        Assert.Equal(0, (await host.GetJsonAsync("/api/contact-lists/demo/empty")).GetProperty("entries").GetArrayLength());

        var (deleted, removed) = await SendAsync(host.Client, HttpMethod.Delete, "/api/contact-lists/demo/blocked/5511999990001");
        Assert.Equal((HttpStatusCode.OK, true, "5511999990001@s.whatsapp.net"),
            (deleted, removed.GetProperty("removed").GetBoolean(), removed.GetProperty("entry").GetString()));
        var (_, notThere) = await SendAsync(host.Client, HttpMethod.Delete, "/api/contact-lists/demo/blocked/5511999990001");
        Assert.False(notThere.GetProperty("removed").GetBoolean());
        Assert.Equal([Identity], (await host.GetJsonAsync("/api/contact-lists/demo/blocked")).GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("entry").GetString()));
    }

    [Theory]
    [InlineData("PUT", "/api/contact-lists/demo/blocked/not-a-handle", HttpStatusCode.BadRequest, "neither an identity id")]
    [InlineData("DELETE", "/api/contact-lists/demo/blocked/hello%20world", HttpStatusCode.BadRequest, "neither an identity id")]
    [InlineData("PUT", "/api/contact-lists/demo/Blocked!/5511999990001", HttpStatusCode.BadRequest, "list name")]
    [InlineData("GET", "/api/contact-lists/demo/a..b", HttpStatusCode.BadRequest, "list name")]
    [InlineData("GET", "/api/contact-lists/nowhere/blocked", HttpStatusCode.NotFound, "no instance named 'nowhere'")]
    [InlineData("PUT", "/api/contact-lists/nowhere/blocked/5511999990001", HttpStatusCode.NotFound, "no instance")]
    public async Task BadInput_ClearErrorNever500(string method, string path, HttpStatusCode expected, string message)
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: Settings());
        var (status, body) = await SendAsync(host.Client, new HttpMethod(method), path);
        Assert.Equal(expected, status);
        Assert.Contains(message, body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_MissingIs401_ScopedKeyOnlyItsInstance()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: Settings());
        using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(anonymous, HttpMethod.Get, "/api/contact-lists/demo/blocked")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(anonymous, HttpMethod.Put, "/api/contact-lists/demo/blocked/5511999990001")).Status);

        using var scoped = new HttpClient { BaseAddress = host.Client.BaseAddress };
        scoped.DefaultRequestHeaders.Add("x-functions-key", ScopedKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(scoped, HttpMethod.Put, "/api/contact-lists/demo/blocked/5511999990001")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(scoped, HttpMethod.Get, "/api/contact-lists/demo/blocked")).Status);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(scoped, HttpMethod.Put, "/api/contact-lists/other/blocked/5511999990001")).Status);
        Assert.Equal(0, (await host.GetJsonAsync("/api/contact-lists/demo/blocked")).GetProperty("entries").GetArrayLength());
    }
}
