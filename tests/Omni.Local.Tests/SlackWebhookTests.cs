using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Omni.Engine.Webhooks;
using Omni.Local.Tests.Support;
using Omni.TestSupport;

namespace Omni.Local.Tests;

/// <summary>
/// Slack through the real route <c>POST /api/webhooks/slack/{instance}</c>: signatures (bad, stale, missing, wrong
/// secret, none configured: 401 and nothing archived), the url_verification handshake (answered, not archived), a retry
/// stored once, every fixture read back through the events API, and senders resolved to workspace-scoped identities.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class SlackWebhookTests(AzuriteFixture azurite)
{
    private const string Provider = "slack";
    private const string Instance = "demo-slack";
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";

    private static readonly byte[] Message = Encoding.UTF8.GetBytes(
        """{"token":"vt","team_id":"T1","api_app_id":"A1","event":{"type":"message","channel":"C0CHANNEL1","user":"U0ANA","text":"bom dia","ts":"1767225600.000100","channel_type":"channel","user_profile":{"display_name":"Ana"}},"type":"event_callback","event_id":"Ev0001","event_time":1767225600}""");

    private static Dictionary<string, string?> Instances(params string[] names)
    {
        var settings = new Dictionary<string, string?> { ["Omni:Instances:slack-nosecret:Provider"] = Provider };
        foreach (var name in names.Append(Instance))
        {
            settings[$"Omni:Instances:{name}:Provider"] = Provider;
            settings[$"Omni:Instances:{name}:WebhookSecret"] = Secret;
        }

        return settings;
    }

    private static async Task<HttpResponseMessage> PostAsync(
        OmniHost host, byte[] body, string instance = Instance, string? secret = Secret, long? timestamp = null,
        string? signature = null, bool sendSignature = true, bool sendTimestamp = true, int? retryNum = null)
    {
        var ts = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/slack/{instance}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (sendTimestamp)
        {
            request.Headers.Add(SlackSignatureAuthentication.TimestampHeader, ts.ToString(CultureInfo.InvariantCulture));
        }

        if (sendSignature)
        {
            request.Headers.Add(SlackSignatureAuthentication.SignatureHeader, signature ?? SlackSignatureAuthentication.Sign(secret ?? "", ts, body));
        }

        if (retryNum is { } n)
        {
            request.Headers.Add("X-Slack-Retry-Num", n.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        }

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
        { "bad signature", "signature does not verify" },
        { "wrong secret", "signature does not verify" },
        { "stale timestamp", "more than 5 minutes old" },
        { "missing signature", "X-Slack-Signature header is missing" },
        { "missing timestamp", "X-Slack-Request-Timestamp header is missing" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Post_UnauthenticatedDelivery_401AndNothingArchived(string scenario, string reason)
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: Instances());

        using var response = scenario switch
        {
            "bad signature" => await PostAsync(host, Message, signature: "v0=" + new string('0', 64)),
            "wrong secret" => await PostAsync(host, Message, secret: "not-the-signing-secret"),
            "stale timestamp" => await PostAsync(host, Message, timestamp: DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds()),
            "missing signature" => await PostAsync(host, Message, sendSignature: false),
            _ => await PostAsync(host, Message, sendTimestamp: false),
        };

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await ArchivedCountAsync(host));
        Assert.Equal(0, (await host.Storage.IngestQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Post_InstanceWithoutSigningSecret_401FailsClosed()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: Instances());

        using var unsigned = await PostAsync(host, Message, instance: "slack-nosecret", secret: "");
        using var signed = await PostAsync(host, Message, instance: "slack-nosecret", secret: Secret);

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, signed.StatusCode);
        Assert.Equal(0, await ArchivedCountAsync(host));
    }

    [Fact]
    public async Task Post_UrlVerification_AnsweredWithTheChallengeAtOnce_NothingArchived()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: Instances());
        var body = EventExpectations.ReadFixture(Provider, "url-verification.json");

        using var response = await PostAsync(host, body);
        using var forged = await PostAsync(host, body, signature: "v0=" + new string('0', 64));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", answer.GetProperty("challenge").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(0, await ArchivedCountAsync(host));
    }

    [Fact]
    public async Task Post_SlackRetry_OneEvent_SenderResolvedInTheWorkspace()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: Instances());

        using (var first = await PostAsync(host, Message))
        using (var retry = await PostAsync(host, Message, retryNum: 1))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        }

        await host.DrainIngestAsync();

        Assert.Equal(2, await ArchivedCountAsync(host));
        var e = Assert.Single(await host.ListEventsAsync(Instance));
        Assert.Equal("C0CHANNEL1:1767225600.000100", e.GetProperty("provider_event_id").GetString());
        var identityId = e.GetProperty("identity_id").GetString()!;
        var identity = await host.GetJsonAsync($"/api/identities/{identityId}");
        var handle = Assert.Single(identity.GetProperty("handles").EnumerateArray());
        Assert.Equal("slack", handle.GetProperty("channel").GetString());
        Assert.Equal("U0ANA", handle.GetProperty("handle").GetString());
        Assert.Equal(Instance, handle.GetProperty("instance").GetString());
    }

    /// <summary>Every fixture to an instance of its own (Slack's documentation reuses event ids across examples).</summary>
    [Fact]
    public async Task PostEveryFixture_ReadsBackThroughEventsApiWithExpectedFields()
    {
        var fixtures = EventExpectations.FixtureNames(Provider).Where(f => f != "url-verification.json").ToList();
        var names = fixtures.Select((_, i) => $"slack-{i}").ToArray();
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: Instances(names));
        for (var i = 0; i < fixtures.Count; i++)
        {
            using var response = await PostAsync(host, EventExpectations.ReadFixture(Provider, fixtures[i]), instance: names[i]);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await host.DrainIngestAsync();

        for (var i = 0; i < fixtures.Count; i++)
        {
            var listed = await host.ListEventsAsync(names[i]);
            EventExpectations.AssertMatches(
                EventExpectations.ReadExpectation(Provider, fixtures[i]), null,
                JsonSerializer.SerializeToElement(listed), $"{Provider}/{fixtures[i]} via HTTP");
        }
    }
}
