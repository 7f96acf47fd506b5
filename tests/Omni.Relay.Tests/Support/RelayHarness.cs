using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Omni.Relay.Gateway;
using Omni.Relay.Hosting;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Omni.Relay.Tests.Support;

/// <summary>
/// One relay instance (<c>discord1</c>) wired to a <see cref="FakeGateway"/>, a <see cref="FakeOmni"/> and WireMock as
/// Discord REST, with a fresh state directory and millisecond timings. <see cref="StartRelay"/> and
/// <see cref="StopRelayAsync"/> can be called repeatedly: a new relay on the same directory is a restarted relay.
/// </summary>
public sealed class RelayHarness : IAsyncDisposable
{
    public const string Instance = "discord1";
    public const string BotToken = "bot-token-for-tests";

    private readonly ServiceProvider _services;
    private readonly HttpClient _omniHttp = new();
    private readonly HttpClient _discordHttp = new();
    private CancellationTokenSource? _stop;
    private Task? _running;

    private RelayHarness(FakeGateway gateway, FakeOmni omni, WireMockServer discord, RelayOptions options)
    {
        Gateway = gateway;
        Omni = omni;
        Discord = discord;
        Options = options;
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        Metrics = new RelayMetrics(_services.GetRequiredService<IMeterFactory>());
    }

    public FakeGateway Gateway { get; }

    public FakeOmni Omni { get; }

    public WireMockServer Discord { get; }

    public RelayOptions Options { get; }

    public RelayMetrics Metrics { get; }

    public DiscordInstanceRelay? Relay { get; private set; }

    public static async Task<RelayHarness> StartAsync(Action<RelayOptions>? configure = null)
    {
        var gateway = await FakeGateway.StartAsync();
        var omni = await FakeOmni.StartAsync();
        var discord = WireMockServer.Start();
        discord.Given(Request.Create().WithPath("/api/v10/gateway/bot").UsingGet().WithHeader("Authorization", "Bot " + BotToken))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                $$$"""{"url":"{{{gateway.Url.AbsoluteUri.TrimEnd('/')}}}","shards":1,"session_start_limit":{"total":1000,"remaining":999,"reset_after":14400000,"max_concurrency":1}}"""));
        var options = new RelayOptions
        {
            OmniBaseUrl = omni.BaseUrl,
            DiscordApiBaseUrl = new Uri(discord.Url + "/api/v10/"),
            StateDirectory = Directory.CreateTempSubdirectory("omni-relay-test-").FullName,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(20),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
            DeliveryMinDelay = TimeSpan.FromMilliseconds(20),
            DeliveryMaxDelay = TimeSpan.FromMilliseconds(100),
            // Long enough never to expire on a loaded machine: an expired delivery that Omni did accept is sent again (same
            // webhook id, harmless to Omni) and would blur the tests' exactly-once count.
            DeliveryTimeout = TimeSpan.FromSeconds(30),
            IdentifyInterval = TimeSpan.FromMilliseconds(20),
            InvalidSessionMinDelay = TimeSpan.FromMilliseconds(10),
            InvalidSessionMaxDelay = TimeSpan.FromMilliseconds(30),
        };
        configure?.Invoke(options);
        return new RelayHarness(gateway, omni, discord, options);
    }

    public DiscordInstanceRelay StartRelay()
    {
        if (_running is not null)
        {
            throw new InvalidOperationException("the relay is running");
        }

        var settings = new RelayInstanceSettings { Provider = "discord", BotToken = BotToken, WebhookSecret = FakeOmni.Secret };
        Relay = new DiscordInstanceRelay(Instance, settings, Options, _omniHttp, _discordHttp, Metrics, TimeProvider.System, NullLoggerFactory.Instance);
        _stop = new CancellationTokenSource();
        var relay = Relay;
        var token = _stop.Token;
        _running = Task.Run(() => relay.RunAsync(token));
        return Relay;
    }

    public async Task StopRelayAsync()
    {
        if (_stop is null || _running is null)
        {
            return;
        }

        await _stop.CancelAsync();
        await _running.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
        _stop = null;
        _running = null;
    }

    /// <summary>Waits (polling) until <paramref name="condition"/> holds; fails with <paramref name="what"/> after the timeout.</summary>
    public static async Task Eventually(Func<bool> condition, string what, double seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {seconds} s waiting for: {what}");
            }

            await Task.Delay(15);
        }
    }

    /// <summary>Waits until the relay has a running session (READY or RESUMED delivered) and the socket is up.</summary>
    public Task ConnectedAsync() =>
        Eventually(() => Gateway.IsConnected && Relay?.Shards is [{ Status: ShardStatus.Connected }], "the shard to be connected");

    /// <summary>
    /// Every dispatch of <paramref name="sessionId"/> reached Omni exactly once, under the id <c>gw_{session}_{seq}</c>,
    /// with exactly the bytes the gateway sent.
    /// </summary>
    public void AssertSessionDeliveredExactlyOnce(string sessionId)
    {
        var log = Gateway.SessionLog(sessionId);
        var deliveries = Omni.Accepted.Where(d => d.WebhookId.StartsWith($"gw_{sessionId}_", StringComparison.Ordinal)).ToList();
        Assert.Equal(log.Count, deliveries.Select(d => d.WebhookId).Distinct().Count()); // none lost
        Assert.True(log.Count == deliveries.Count, // none doubled
            $"{deliveries.Count} deliveries of {log.Count} dispatches: {string.Join(", ", deliveries.Select(d => d.WebhookId))}");
        for (var seq = 1; seq <= log.Count; seq++)
        {
            var delivery = Assert.Single(deliveries, d => d.WebhookId == $"gw_{sessionId}_{seq}");
            Assert.Equal(log[seq - 1], delivery.Body); // verbatim
        }
    }

    /// <summary>Waits until every dispatch of the session has been accepted by Omni.</summary>
    public Task SessionDeliveredAsync(string sessionId) =>
        Eventually(
            () => Omni.Accepted.Where(d => d.WebhookId.StartsWith($"gw_{sessionId}_", StringComparison.Ordinal)).Select(d => d.WebhookId).Distinct().Count()
                >= Gateway.SessionLog(sessionId).Count
                && Relay is { Buffer.Depth: 0 }, // ...and the relay to have taken Omni's answers (else a stop now resends)
            $"every dispatch of {sessionId} to reach Omni");

    public async ValueTask DisposeAsync()
    {
        await StopRelayAsync();
        await Gateway.DisposeAsync();
        await Omni.DisposeAsync();
        Discord.Stop();
        Discord.Dispose();
        Metrics.Dispose();
        await _services.DisposeAsync();
        _omniHttp.Dispose();
        _discordHttp.Dispose();
        try
        {
            Directory.Delete(Options.StateDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
