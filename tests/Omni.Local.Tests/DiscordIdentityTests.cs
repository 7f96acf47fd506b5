using System.Net;
using System.Text;
using System.Text.Json;
using Omni.Local.Tests.Support;

namespace Omni.Local.Tests;

/// <summary>
/// Discord handles in the identity registry: a Discord user (id as handle, <c>global_name</c> as name) resolves on
/// ingest like a WhatsApp sender, is linked to the same person's WhatsApp handle through the identities API, and the
/// lookup and the timeline then answer both channels.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class DiscordIdentityTests(AzuriteFixture azurite)
{
    private const string AnaDiscord = "1270000000000000042";
    private const string AnaPhone = "5511977770042@s.whatsapp.net";

    [Fact]
    public async Task DiscordUser_ResolvesOnIngest_LinkedToTheirWhatsApp_LookupReturnsBoth()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: DiscordWire.Settings());
        using (var relay = DiscordWire.Relay(DiscordWire.MessageCreate("1260000000000000042", "1280000000000000042", AnaDiscord, "oi pelo discord",
                   username: "ana.souza", globalName: "Ana Souza")))
        using (var response = await host.Client.SendAsync(relay))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await host.IngestAsync(IdentityPayloads.Direct("ANAWA0001", AnaPhone, "oi pelo whatsapp", 1764000001, pushName: "Ana"));
        await host.DrainIngestAsync();

        var discordEvent = Assert.Single(await host.ListEventsAsync(DiscordWire.Instance));
        var ana = discordEvent.GetProperty("identity_id").GetString()!;
        var whatsAppIdentity = Assert.Single(await host.ListEventsAsync()).GetProperty("identity_id").GetString()!;
        Assert.NotEqual(ana, whatsAppIdentity);
        var resolved = await host.GetJsonAsync($"/api/identities/{ana}");
        Assert.Equal("Ana Souza", resolved.GetProperty("display_name").GetString());
        var handle = Assert.Single(resolved.GetProperty("handles").EnumerateArray());
        Assert.Equal(("discord", AnaDiscord), (handle.GetProperty("channel").GetString(), handle.GetProperty("handle").GetString()));

        using (var link = new HttpRequestMessage(HttpMethod.Post, $"/api/identities/{ana}/handles")
        {
            Content = new StringContent($$"""{"channel": "whatsapp", "handle": "{{AnaPhone}}"}""", Encoding.UTF8, "application/json"),
        })
        using (var linked = await host.Client.SendAsync(link))
        {
            Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        }

        foreach (var q in new[] { "ana souza", AnaDiscord })
        {
            var found = Assert.Single((await host.GetJsonAsync($"/api/identities?q={Uri.EscapeDataString(q)}")).GetProperty("identities").EnumerateArray(),
                i => i.GetProperty("identity_id").GetString() == ana);
            Assert.Equal(["discord:" + AnaDiscord, "whatsapp:" + AnaPhone],
                found.GetProperty("handles").EnumerateArray().Select(h => h.GetProperty("channel").GetString() + ":" + h.GetProperty("handle").GetString())
                    .Order(StringComparer.Ordinal));
            Assert.True(found.TryGetProperty("preferred_channel", out var preferred) && preferred.ValueKind == JsonValueKind.String, found.ToString());
        }

        var timeline = (await host.GetJsonAsync($"/api/identities/{ana}/events?limit=50")).GetProperty("events").EnumerateArray()
            .Select(e => (e.GetProperty("channel").GetString(), e.GetProperty("text").GetString())).Order().ToList();
        Assert.Equal([("discord", "oi pelo discord"), ("whatsapp", "oi pelo whatsapp")], timeline);
    }
}
