using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Omni.Engine.Webhooks;
using Omni.Relay.Delivery;
using Omni.Relay.Discord;
using Omni.Relay.Gateway;
using Omni.Relay.Hosting;
using Omni.Relay.Tests.Support;

namespace Omni.Relay.Tests;

/// <summary>The relay's pure parts and its registration, tested by calling them.</summary>
public class RelayUnitTests
{
    [Fact]
    public void Signer_Signature_VerifiesWithOmnisStandardWebhooksAuthentication()
    {
        var body = """{"t":"MESSAGE_CREATE","s":7,"op":0,"d":{"id":"1"}}"""u8.ToArray();
        var now = DateTimeOffset.UtcNow;
        var signature = new StandardWebhookSigner(FakeOmni.Secret).Sign("gw_abc_7", now.ToUnixTimeSeconds(), body);

        Assert.True(StandardWebhooksAuthentication.Verify(FakeOmni.Secret, "gw_abc_7", now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), signature, body, now).IsAuthenticated);
        Assert.Equal(StandardWebhooksAuthentication.Sign(FakeOmni.Secret, "gw_abc_7", now.ToUnixTimeSeconds(), body), signature);
        var tampered = body.ToArray();
        tampered[^3] = (byte)'2';
        Assert.False(StandardWebhooksAuthentication.Verify(FakeOmni.Secret, "gw_abc_7", now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), signature, tampered, now).IsAuthenticated);
    }

    [Fact]
    public void Signer_SecretNotBase64_Throws() =>
        Assert.Throws<ArgumentException>(() => new StandardWebhookSigner("whsec_not base64!"));

    [Fact]
    public void WebhookId_SameFrame_SameId_AndHashWithoutSession()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"op":0,"s":5,"t":"X","d":{}}""");
        Assert.Equal("gw_abc123_5", GatewayFrame.WebhookId("abc123", 5, bytes));
        Assert.Equal(GatewayFrame.WebhookId(null, 5, bytes), GatewayFrame.WebhookId(null, 5, bytes));
        Assert.StartsWith("gwh_", GatewayFrame.WebhookId(null, 5, bytes), StringComparison.Ordinal);
        Assert.StartsWith("gwh_", GatewayFrame.WebhookId("../evil", 5, bytes), StringComparison.Ordinal); // never a path
    }

    [Theory]
    [InlineData(0, 100, 50)]
    [InlineData(1, 200, 100)]
    [InlineData(3, 800, 400)]
    [InlineData(30, 1000, 500)]
    public void Backoff_DoublesWithJitter_BoundedByMax(int attempt, double maxMs, double minMs)
    {
        var low = Backoff.Delay(attempt, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1000), 0);
        var high = Backoff.Delay(attempt, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1000), 0.9999);
        Assert.InRange(low.TotalMilliseconds, Math.Max(100, minMs), maxMs);
        Assert.InRange(high.TotalMilliseconds, Math.Max(100, minMs), maxMs);
        Assert.True(low >= TimeSpan.FromMilliseconds(100), "never below the minimum: no spinning");
    }

    [Fact]
    public void Snowflake_ComparesNumerically_NotAsText()
    {
        Assert.True(Snowflake.Compare("10", "9") > 0);
        Assert.True(Snowflake.Compare("1234567890123456789", "999999999999999999") > 0);
        var state = new ShardState();
        state.See("c", "100", "g", 10);
        state.See("c", "99", null, 10);
        Assert.Equal("100", state.Channels["c"].LastMessageId);
        Assert.Equal("g", state.Channels["c"].GuildId);
    }

    [Fact]
    public void ShardState_ForgetsTheStalestChannel_BeyondTheCap()
    {
        var state = new ShardState();
        state.See("a", "300", null, 2);
        state.See("b", "100", null, 2);
        state.See("c", "200", null, 2);
        Assert.Equal(["a", "c"], state.Channels.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Intents_Default_AreTheOnesOmniNeeds() => Assert.Equal(65025, GatewayIntents.Default);

    [Fact]
    public void CloseCodes_AuthAndIntentErrors_AreFatal_SessionErrors_NeedANewSession()
    {
        Assert.Equal(CloseVerdict.Fatal, GatewayCloseCodes.Classify(4004));
        Assert.Equal(CloseVerdict.Fatal, GatewayCloseCodes.Classify(4014));
        Assert.Equal(CloseVerdict.NewSession, GatewayCloseCodes.Classify(4009));
        Assert.Equal(CloseVerdict.Resume, GatewayCloseCodes.Classify(4000));
        Assert.Equal(CloseVerdict.Resume, GatewayCloseCodes.Classify(null));
    }

    [Fact]
    public async Task IdentifyGate_OneBucket_SpacesIdentifies_AndCountsTheBudget()
    {
        var info = new GatewayBotInfo("wss://x", 2, 1000, 10, TimeSpan.FromHours(1), MaxConcurrency: 1);
        using var gate = new IdentifyGate(info, TimeSpan.FromMilliseconds(150), TimeProvider.System, _ => Task.FromResult(info));
        var started = DateTime.UtcNow;
        await gate.WaitAsync(0, CancellationToken.None);
        await gate.WaitAsync(1, CancellationToken.None);
        await gate.WaitAsync(0, CancellationToken.None);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(280), "three identifies in one bucket take two intervals");
        Assert.Equal(7, gate.Remaining);
    }

    [Fact]
    public async Task IdentifyGate_BudgetSpent_WaitsForTheResetAndAsksAgain()
    {
        var spent = new GatewayBotInfo("wss://x", 1, 1000, 0, TimeSpan.FromMilliseconds(100), 1);
        var refreshed = spent with { SessionStartRemaining = 5 };
        var asked = 0;
        using var gate = new IdentifyGate(spent, TimeSpan.FromMilliseconds(10), TimeProvider.System, _ =>
        {
            asked++;
            return Task.FromResult(refreshed);
        });
        var started = DateTime.UtcNow;
        await gate.WaitAsync(0, CancellationToken.None);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(90));
        Assert.Equal(1, asked);
        Assert.Equal(4, gate.Remaining);
    }

    [Fact]
    public void AddOmniRelay_NoBotToken_RegistersNothing()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Omni:Instances:demo-discord:Provider"] = "discord",
            ["Omni:Instances:demo-discord:WebhookSecret"] = FakeOmni.Secret,
            ["Omni:Instances:whatsapp:Provider"] = "evolution",
        }).Build();
        var services = new ServiceCollection();
        Assert.False(services.AddOmniRelay(configuration));
        Assert.DoesNotContain(services, s => s.ServiceType == typeof(IHostedService));
    }

    [Fact]
    public void AddOmniRelay_DiscordInstanceWithBotToken_RegistersTheHostedServiceAndHealthCheck()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Omni:Instances:demo-discord:Provider"] = "discord",
            ["Omni:Instances:demo-discord:BotToken"] = "token",
            ["Omni:Instances:demo-discord:WebhookSecret"] = FakeOmni.Secret,
            ["Omni:Relay:StateDirectory"] = Path.Combine(Path.GetTempPath(), "omni-relay-registration-" + Guid.NewGuid().ToString("N")),
            ["Omni:Relay:MaxBufferedFrames"] = "12",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        Assert.True(services.AddOmniRelay(configuration, new Uri("http://127.0.0.1:7071/")));
        using var provider = services.BuildServiceProvider();

        var relay = Assert.Single(provider.GetServices<IHostedService>().OfType<DiscordRelayService>());
        var instance = Assert.Single(relay.Relays);
        Assert.Equal("demo-discord", instance.Name);
        Assert.Equal(12, instance.Buffer.Capacity);
        Assert.Empty(relay.Misconfigured);
        Directory.Delete(instance.InstanceDirectory, recursive: true);
    }

    [Fact]
    public void AddOmniRelay_BotTokenWithoutWebhookSecret_IsReportedNotStarted()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Omni:Instances:demo-discord:Provider"] = "discord",
            ["Omni:Instances:demo-discord:BotToken"] = "token",
            ["Omni:Relay:OmniBaseUrl"] = "http://127.0.0.1:7071/",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        Assert.True(services.AddOmniRelay(configuration));
        using var provider = services.BuildServiceProvider();
        var relay = provider.GetRequiredService<DiscordRelayService>();
        Assert.Empty(relay.Relays);
        Assert.Contains("WebhookSecret", relay.Misconfigured["demo-discord"], StringComparison.Ordinal);
    }
}
