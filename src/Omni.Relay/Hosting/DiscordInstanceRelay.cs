using Microsoft.Extensions.Logging;
using Omni.Relay.Backfill;
using Omni.Relay.Delivery;
using Omni.Relay.Discord;
using Omni.Relay.Gateway;

namespace Omni.Relay.Hosting;

/// <summary>
/// Everything the relay runs for one Discord instance: asks <c>GET /gateway/bot</c> for the gateway URL, shard count
/// and session start limit (retrying with backoff until Discord answers; a 401 stops the instance: the token is wrong),
/// then runs one <see cref="GatewayShard"/> per shard and one <see cref="OmniForwarder"/> that drains the instance's
/// <see cref="FrameBuffer"/> into Omni. The buffer exists (and drains what a previous run left) before any shard connects.
/// </summary>
public sealed class DiscordInstanceRelay
{
    private readonly RelayOptions _options;
    private readonly RelayInstanceSettings _settings;
    private readonly HttpClient _discordHttp;
    private readonly RelayMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly OmniForwarder _forwarder;
    private readonly List<GatewayShard> _shards = [];

    public DiscordInstanceRelay(
        string name,
        RelayInstanceSettings settings,
        RelayOptions options,
        HttpClient omniHttp,
        HttpClient discordHttp,
        RelayMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        Name = name;
        _settings = settings;
        _options = options;
        _discordHttp = discordHttp;
        _metrics = metrics;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<DiscordInstanceRelay>();
        InstanceDirectory = Path.Combine(options.StateDirectory, name);
        Buffer = new FrameBuffer(InstanceDirectory, options.MaxBufferedFrames, time);
        metrics.Track(name, Buffer);
        var signer = new StandardWebhookSigner(settings.WebhookSecret
            ?? throw new InvalidOperationException($"Omni:Instances:{name}:WebhookSecret is not set; the relay cannot sign its deliveries."));
        _forwarder = new OmniForwarder(name, Buffer, signer, omniHttp, options, metrics, time, loggers.CreateLogger<OmniForwarder>());
    }

    public string Name { get; }

    public string InstanceDirectory { get; }

    public FrameBuffer Buffer { get; }

    public OmniForwarder Forwarder => _forwarder;

    /// <summary>The running shards (empty until <c>GET /gateway/bot</c> answered).</summary>
    public IReadOnlyList<GatewayShard> Shards
    {
        get
        {
            lock (_shards)
            {
                return [.. _shards];
            }
        }
    }

    /// <summary>Why the instance stopped for good, if it did (health).</summary>
    public string? Failure { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var forwarding = _forwarder.RunAsync(cancellationToken);
        try
        {
            var rest = new DiscordRestClient(_discordHttp, _options.DiscordApiBaseUrl, _settings.BotToken!, _time);
            var info = await GatewayBotAsync(rest, cancellationToken).ConfigureAwait(false);
            if (info is null)
            {
                await forwarding.ConfigureAwait(false);
                return;
            }

            var count = _options.ShardCount > 0 ? _options.ShardCount : info.Shards;
            using var gate = new IdentifyGate(info, _options.IdentifyInterval, _time, rest.GetGatewayBotAsync);
            var backfiller = new Backfiller(Name, rest, Buffer, _options, _metrics, _loggers.CreateLogger<Backfiller>());
            var shardLogger = _loggers.CreateLogger<GatewayShard>();
            _logger.LogInformation("Relaying Discord instance {Instance}: {Shards} shard(s), max_concurrency {Concurrency}, {Remaining} session starts left",
                Name, count, info.MaxConcurrency, info.SessionStartRemaining);
            var running = new List<Task> { forwarding };
            for (var shard = 0; shard < count; shard++)
            {
                var gatewayShard = new GatewayShard(Name, shard, count, info.Url, _settings.BotToken!, _options, gate, Buffer,
                    new ShardStateStore(InstanceDirectory, shard, count), backfiller, _metrics, _time, shardLogger);
                lock (_shards)
                {
                    _shards.Add(gatewayShard);
                }

                running.Add(gatewayShard.RunAsync(cancellationToken));
            }

            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task<GatewayBotInfo?> GatewayBotAsync(DiscordRestClient rest, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await rest.GetGatewayBotAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (e.StatusCode is System.Net.HttpStatusCode.Unauthorized)
            {
                Failure = "Discord refused the bot token (401 on GET /gateway/bot)";
                _logger.LogCritical("Discord instance {Instance}: {Failure}; the gateway is not started (buffered frames are still delivered)", Name, Failure);
                return null;
            }
            catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException or KeyNotFoundException
                or InvalidOperationException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                var delay = Backoff.Delay(attempt, _options.ReconnectMinDelay, _options.ReconnectMaxDelay, Random.Shared.NextDouble());
                _logger.LogWarning("GET /gateway/bot for {Instance} failed ({Error}); retrying in {Delay}", Name, e.Message, delay);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
