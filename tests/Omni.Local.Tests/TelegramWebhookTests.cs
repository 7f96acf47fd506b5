using System.Net;
using System.Text;
using System.Text.Json;
using Omni.Engine.Webhooks;
using Omni.Local.Tests.Support;
using Omni.TestSupport;

namespace Omni.Local.Tests;

/// <summary>
/// Telegram through the real route <c>POST /api/webhooks/telegram/{instance}</c>: the secret-token header (missing,
/// wrong, none configured: 401 and nothing archived), every fixture read back through the events API against its
/// expectation file, a redelivered update stored once, and senders resolved to identities on ingest.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class TelegramWebhookTests(AzuriteFixture azurite)
{
    private const string Provider = "telegram";
    private const string Instance = "demo-telegram";
    private const string Secret = "tg-secret_for-tests";
    private const string BotToken = "7000000001:AAHtestTOKENtestTOKENtestTOKEN";

    private static readonly byte[] Update = Encoding.UTF8.GetBytes(
        """{"update_id":900001,"message":{"message_id":7,"date":1767225600,"from":{"id":2222222,"is_bot":false,"first_name":"Mãe","last_name":"Silva"},"chat":{"id":2222222,"type":"private","first_name":"Mãe"},"text":"Oi filho"}}""");

    private static Dictionary<string, string?> Instances(params string[] names)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Omni:Instances:tg-nosecret:Provider"] = Provider,
            ["Omni:Instances:tg-nosecret:BotToken"] = BotToken,
        };
        foreach (var name in names.Append(Instance))
        {
            settings[$"Omni:Instances:{name}:Provider"] = Provider;
            settings[$"Omni:Instances:{name}:WebhookSecret"] = Secret;
            settings[$"Omni:Instances:{name}:BotToken"] = BotToken;
        }

        return settings;
    }

    private static async Task<HttpResponseMessage> PostAsync(OmniHost host, byte[] body, string? secret = Secret, string instance = Instance)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/telegram/{instance}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (secret is not null)
        {
            request.Headers.Add(TelegramSecretTokenAuthentication.Header, secret);
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

    [Theory]
    [InlineData("not-the-secret", "does not match")]
    [InlineData("tg-secret_for-test", "does not match")]
    [InlineData("", "header is missing")]
    [InlineData(null, "header is missing")]
    public async Task Post_WrongOrMissingSecretToken_401AndNothingArchived(string? secret, string reason)
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: Instances());

        using var response = await PostAsync(host, Update, secret);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains(reason, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.Equal(0, await ArchivedCountAsync(host));
        Assert.Equal(0, (await host.Storage.IngestQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Post_InstanceWithoutSecret_401FailsClosed()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: Instances());

        using var empty = await PostAsync(host, Update, "", "tg-nosecret");
        using var any = await PostAsync(host, Update, "anything", "tg-nosecret");

        Assert.Equal(HttpStatusCode.Unauthorized, empty.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, any.StatusCode);
        Assert.Equal(0, await ArchivedCountAsync(host));
    }

    [Fact]
    public async Task Post_RedeliveredUpdate_TwoArchivedOneEvent_SenderResolvedToAnIdentity()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: Instances());

        using (var first = await PostAsync(host, Update))
        using (var again = await PostAsync(host, Update))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        }

        await host.DrainIngestAsync();

        Assert.Equal(2, await ArchivedCountAsync(host));
        var e = Assert.Single(await host.ListEventsAsync(Instance));
        Assert.Equal("900001", e.GetProperty("provider_event_id").GetString());
        Assert.Equal("2222222", e.GetProperty("sender_handle").GetString());
        var identityId = e.GetProperty("identity_id").GetString();
        Assert.StartsWith("idn_", identityId, StringComparison.Ordinal);

        var found = (await host.GetJsonAsync("/api/identities?q=mae")).GetProperty("identities").EnumerateArray().ToList();
        var mom = Assert.Single(found);
        Assert.Equal(identityId, mom.GetProperty("identity_id").GetString());
        var handle = Assert.Single(mom.GetProperty("handles").EnumerateArray());
        Assert.Equal("telegram", handle.GetProperty("channel").GetString());
        Assert.Equal("2222222", handle.GetProperty("handle").GetString());
    }

    /// <summary>
    /// Every fixture to an instance of its own (the documentation's samples share update ids, which on one bot would be
    /// one update), normalized by the running host and read back through <c>GET /api/events</c>.
    /// </summary>
    [Fact]
    public async Task PostEveryFixture_ReadsBackThroughEventsApiWithExpectedFields()
    {
        var fixtures = EventExpectations.FixtureNames(Provider);
        var names = fixtures.Select((_, i) => $"tg-{i}").ToArray();
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: Instances(names));
        for (var i = 0; i < fixtures.Count; i++)
        {
            using var response = await PostAsync(host, FixtureBody(fixtures[i]), instance: names[i]);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await host.DrainIngestAsync();

        for (var i = 0; i < fixtures.Count; i++)
        {
            var listed = await host.ListEventsAsync(names[i]);
            EventExpectations.AssertMatches(
                EventExpectations.ReadExpectation(Provider, fixtures[i]), null,
                JsonSerializer.SerializeToElement(listed), $"{Provider}/{fixtures[i]} via HTTP");
            foreach (var e in listed)
            {
                Assert.Equal("telegram", e.GetProperty("channel").GetString());
                Assert.Equal(names[i], e.GetProperty("instance").GetString());
            }
        }
    }

    /// <summary>Files named <c>message-*</c> hold a bare Message (as their source shows it): posted inside an Update.</summary>
    private static byte[] FixtureBody(string fixture)
    {
        var bytes = EventExpectations.ReadFixture(Provider, fixture);
        return fixture.StartsWith("message-", StringComparison.Ordinal)
            ? Encoding.UTF8.GetBytes("{\"update_id\":1,\"message\":" + Encoding.UTF8.GetString(bytes).Trim() + "}")
            : bytes;
    }
}
