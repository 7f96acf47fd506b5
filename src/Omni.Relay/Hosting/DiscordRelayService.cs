using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Omni.Relay.Hosting;

/// <summary>
/// The hosted service: one <see cref="DiscordInstanceRelay"/> per instance of <c>Omni:Instances</c> with
/// <c>Provider = discord</c> and a bot token. An instance without a webhook secret is not started (its deliveries could
/// not be signed) and shows as failing in health. Runs until the host stops.
/// </summary>
public sealed class DiscordRelayService : BackgroundService
{
    public const string OmniClient = "omni-relay.omni";
    public const string DiscordClient = "omni-relay.discord";

    private readonly List<DiscordInstanceRelay> _relays = [];
    private readonly ILogger<DiscordRelayService> _logger;

    public DiscordRelayService(
        IOptions<RelayOptions> options,
        IOptions<RelayInstancesOptions> instances,
        IHttpClientFactory httpClients,
        RelayMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(instances);
        ArgumentNullException.ThrowIfNull(httpClients);
        _logger = loggers.CreateLogger<DiscordRelayService>();
        foreach (var (name, settings) in instances.Value.Instances.Where(i => i.Value.IsRelayed).OrderBy(i => i.Key, StringComparer.Ordinal))
        {
            if (string.IsNullOrWhiteSpace(settings.WebhookSecret))
            {
                Misconfigured.Add(name, $"Omni:Instances:{name}:WebhookSecret is not set; the relay cannot sign its deliveries");
                _logger.LogError("Discord instance {Instance} is not relayed: {Problem}", name, Misconfigured[name]);
                continue;
            }

            try
            {
                _relays.Add(new DiscordInstanceRelay(name, settings, options.Value, httpClients.CreateClient(OmniClient),
                    httpClients.CreateClient(DiscordClient), metrics, time, loggers));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                Misconfigured.Add(name, e.Message);
                _logger.LogError("Discord instance {Instance} is not relayed: {Problem}", name, e.Message);
            }
        }
    }

    public IReadOnlyList<DiscordInstanceRelay> Relays => _relays;

    /// <summary>Relayed instances that could not start, with the reason.</summary>
    public Dictionary<string, string> Misconfigured { get; } = new(StringComparer.Ordinal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_relays.Select(r => Task.Run(() => r.RunAsync(stoppingToken), CancellationToken.None)));
}
