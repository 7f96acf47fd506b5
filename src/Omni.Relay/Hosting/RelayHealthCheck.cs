using Microsoft.Extensions.Diagnostics.HealthChecks;
using Omni.Relay.Gateway;

namespace Omni.Relay.Hosting;

/// <summary>
/// The relay's health, per instance: <b>unhealthy</b> when an instance could not start (no or bad webhook secret, a
/// token Discord refuses), a shard stopped for good (fatal close code) or the buffer is full (the gateway is not being
/// read); <b>degraded</b> while Omni refuses deliveries or a shard is between connections. The data carries each
/// instance's buffer depth and capacity, the age of its oldest frame and its shards' states.
/// </summary>
public sealed class RelayHealthCheck : IHealthCheck
{
    private readonly IReadOnlyList<DiscordInstanceRelay> _relays;
    private readonly IReadOnlyDictionary<string, string> _misconfigured;
    private readonly TimeProvider _time;

    public RelayHealthCheck(DiscordRelayService service, TimeProvider time)
        : this((service ?? throw new ArgumentNullException(nameof(service))).Relays, service.Misconfigured, time)
    {
    }

    internal RelayHealthCheck(IReadOnlyList<DiscordInstanceRelay> relays, IReadOnlyDictionary<string, string> misconfigured, TimeProvider time)
    {
        _relays = relays;
        _misconfigured = misconfigured;
        _time = time;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var unhealthy = new List<string>();
        var degraded = new List<string>();
        foreach (var (name, problem) in _misconfigured)
        {
            unhealthy.Add($"{name}: {problem}");
        }

        foreach (var relay in _relays)
        {
            var oldest = relay.Buffer.OldestBufferedAt;
            var shards = relay.Shards;
            data[relay.Name] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["buffer_depth"] = relay.Buffer.Depth,
                ["buffer_capacity"] = relay.Buffer.Capacity,
                ["oldest_frame_age_seconds"] = oldest is { } at ? Math.Round((_time.GetUtcNow() - at).TotalSeconds, 1) : null,
                ["shards"] = shards.Select(s => s.Status.ToString()).ToArray(),
            };
            if (relay.Failure is { } failure)
            {
                unhealthy.Add($"{relay.Name}: {failure}");
            }

            if (shards.Any(s => s.Status == ShardStatus.Failed))
            {
                unhealthy.Add($"{relay.Name}: a shard stopped (see the logs for the close code)");
            }

            if (relay.Buffer.IsFull)
            {
                unhealthy.Add($"{relay.Name}: buffer full ({relay.Buffer.Depth} frames), the gateway is not being read");
            }

            if (relay.Forwarder.LastAttemptFailed)
            {
                degraded.Add($"{relay.Name}: Omni is refusing or not answering deliveries ({relay.Buffer.Depth} buffered)");
            }

            if (shards.Count == 0 && relay.Failure is null)
            {
                degraded.Add($"{relay.Name}: no gateway session yet (waiting for GET /gateway/bot)");
            }

            if (shards.Any(s => s.Status is not (ShardStatus.Connected or ShardStatus.Failed)))
            {
                degraded.Add($"{relay.Name}: a shard is not connected");
            }
        }

        var result = unhealthy.Count > 0
            ? HealthCheckResult.Unhealthy(string.Join("; ", unhealthy.Concat(degraded)), data: data)
            : degraded.Count > 0
                ? HealthCheckResult.Degraded(string.Join("; ", degraded), data: data)
                : HealthCheckResult.Healthy($"{_relays.Count} Discord instance(s) relayed", data);
        return Task.FromResult(result);
    }
}
