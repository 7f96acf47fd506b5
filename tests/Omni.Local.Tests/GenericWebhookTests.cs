using System.Net;
using System.Text;
using Omni.Engine.Webhooks;
using Omni.Local.Tests.Support;

namespace Omni.Local.Tests;

/// <summary>
/// The generic signed webhook through <c>POST /api/webhooks/webhook/{instance}</c>: Standard Webhooks refusals (401,
/// nothing archived), the same webhook-id delivered twice is one event, a payload the mapping cannot read is an
/// <c>unknown</c> event in the catalogue, and an invalid mapping stops the host at startup.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class GenericWebhookTests(AzuriteFixture azurite)
{
    private const string Instance = "demo-webhook";
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static readonly byte[] Sms = Encoding.UTF8.GetBytes(
        """{"type":"message.phone.received","data":{"message_id":"sms-1","contact":"+18005550100","timestamp":"2026-01-05T12:00:00.808Z","content":"chego às 8"}}""");

    private static Dictionary<string, string?> Settings(string? conversation = "/data/contact") => new()
    {
        [$"Omni:Instances:{Instance}:Provider"] = "webhook",
        [$"Omni:Instances:{Instance}:WebhookSecret"] = Secret,
        [$"Omni:Instances:{Instance}:Mapping:Conversation"] = conversation,
        [$"Omni:Instances:{Instance}:Mapping:Sender"] = "/data/contact",
        [$"Omni:Instances:{Instance}:Mapping:Text"] = "/data/content",
        [$"Omni:Instances:{Instance}:Mapping:OccurredAt"] = "/data/timestamp",
        [$"Omni:Instances:{Instance}:Mapping:MessageId"] = "/data/message_id",
    };

    private static async Task<HttpResponseMessage> PostAsync(
        OmniHost host, byte[] body, string id = "msg_1", string secret = Secret, DateTimeOffset? at = null, string? signature = null, bool sendId = true)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/webhook/{Instance}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (sendId)
        {
            request.Headers.Add(StandardWebhooksAuthentication.IdHeader, id);
        }

        request.Headers.Add(StandardWebhooksAuthentication.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(StandardWebhooksAuthentication.SignatureHeader, signature ?? StandardWebhooksAuthentication.Sign(secret, id, timestamp, body));
        return await host.Client.SendAsync(request);
    }

    private static async Task<int> ArchivedCountAsync(OmniHost host)
    {
        var count = 0;
        await foreach (var _ in host.Storage.RawArchive.GetBlobsAsync())
        {
            count++;
        }

        return count;
    }

    public static TheoryData<string, string> Refusals() => new()
    {
        { "bad signature", "no v1 signature" },
        { "wrong secret", "no v1 signature" },
        { "stale timestamp", "more than 5 minutes old" },
        { "missing header", "webhook-id header is missing" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Post_Unauthenticated_401AndNothingArchived(string scenario, string reason)
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: Settings());

        using var response = scenario switch
        {
            "bad signature" => await PostAsync(host, Sms, signature: "v1," + Convert.ToBase64String(new byte[32])),
            "wrong secret" => await PostAsync(host, Sms, secret: "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("another secret"))),
            "stale timestamp" => await PostAsync(host, Sms, at: DateTimeOffset.UtcNow.AddMinutes(-6)),
            _ => await PostAsync(host, Sms, sendId: false),
        };

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await ArchivedCountAsync(host));
    }

    [Fact]
    public async Task Post_SameWebhookIdTwice_OneEvent_AnotherIdAnother()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: Settings());

        foreach (var id in new[] { "msg_1", "msg_1", "msg_2" })
        {
            using var response = await PostAsync(host, Sms, id);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await host.DrainIngestAsync();

        var events = await host.ListEventsAsync(Instance);
        Assert.Equal(["msg_1", "msg_2"], events.Select(e => e.GetProperty("provider_event_id").GetString()).Order(StringComparer.Ordinal));
        var e = events[0];
        Assert.Equal("+18005550100", e.GetProperty("conversation_id").GetString());
        Assert.Equal("chego às 8", e.GetProperty("text").GetString());
        Assert.Equal("webhook", e.GetProperty("channel").GetString());
        Assert.StartsWith("idn_", e.GetProperty("identity_id").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_PayloadTheMappingCannotRead_UnknownEventInTheCatalogue()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: Settings());

        using (var response = await PostAsync(host, Encoding.UTF8.GetBytes("""{"type":"message.phone.sent","data":{"owner":"+1"}}"""), "msg_9"))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await host.DrainIngestAsync();

        var e = Assert.Single(await host.ListEventsAsync(Instance));
        Assert.Equal("unknown", e.GetProperty("event_kind").GetString());
        Assert.Equal("webhook/unmapped", e.GetProperty("shape").GetString());
        var catalogue = (await host.GetJsonAsync($"/api/catalog/{Instance}")).GetRawText();
        Assert.Contains("webhook/unmapped", catalogue, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InvalidMapping_FailsNamingTheInstanceAndTheProblem()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => OmniHost.StartAsync(azurite, consumer: false, settings: Settings(conversation: "data/contact")));

        Assert.Contains($"Omni:Instances:{Instance}:Mapping is invalid", ex.Message, StringComparison.Ordinal);
        Assert.Contains("conversation_id: 'data/contact' is not a JSON Pointer", ex.Message, StringComparison.Ordinal);
    }
}
