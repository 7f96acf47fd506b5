using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Omni.Relay.Delivery;

namespace Omni.Relay;

/// <summary>
/// The relay's instruments, on the meter <c>Omni.Relay</c> (subscribe with <c>AddMeter("Omni.Relay")</c>). Every
/// measurement carries the <c>instance</c> tag. The buffer depth is observed from the buffers themselves, so it is
/// exactly the number of frame files waiting.
/// </summary>
public sealed class RelayMetrics : IDisposable
{
    public const string MeterName = "Omni.Relay";

    private readonly Meter _meter;
    private readonly ConcurrentDictionary<string, FrameBuffer> _buffers = new(StringComparer.Ordinal);
    private readonly Counter<long> _received;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _sessionsLost;
    private readonly Counter<long> _backfilled;

    public RelayMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _received = _meter.CreateCounter<long>("omni.relay.frames.received", "{frame}", "Dispatch frames read from the gateway and buffered.");
        _delivered = _meter.CreateCounter<long>("omni.relay.frames.delivered", "{frame}", "Frames Omni accepted (2xx).");
        _retries = _meter.CreateCounter<long>("omni.relay.delivery.retries", "{attempt}", "Deliveries Omni refused or did not answer, retried later.");
        _rejected = _meter.CreateCounter<long>("omni.relay.frames.rejected", "{frame}", "Frames Omni refused for good (4xx), kept in rejected/.");
        _reconnects = _meter.CreateCounter<long>("omni.relay.reconnects", "{connection}", "Gateway connections ended; tagged with the reason.");
        _sessionsLost = _meter.CreateCounter<long>("omni.relay.sessions.lost", "{session}", "Sessions that could not be resumed (a gap, then backfill).");
        _backfilled = _meter.CreateCounter<long>("omni.relay.backfill.messages", "{message}", "Messages fetched over REST after a lost session.");
        _meter.CreateObservableGauge("omni.relay.buffer.depth", ObserveDepth, "{frame}", "Frames waiting in the local buffer for Omni.");
    }

    public void Track(string instance, FrameBuffer buffer) => _buffers[instance] = buffer;

    public void Received(string instance) => _received.Add(1, Tag(instance));

    public void Delivered(string instance) => _delivered.Add(1, Tag(instance));

    public void Retried(string instance) => _retries.Add(1, Tag(instance));

    public void Rejected(string instance) => _rejected.Add(1, Tag(instance));

    public void Reconnected(string instance, string reason) =>
        _reconnects.Add(1, new KeyValuePair<string, object?>("instance", instance), new KeyValuePair<string, object?>("reason", reason));

    public void SessionLost(string instance) => _sessionsLost.Add(1, Tag(instance));

    public void Backfilled(string instance, int count) => _backfilled.Add(count, Tag(instance));

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<int>> ObserveDepth() =>
        _buffers.Select(b => new Measurement<int>(b.Value.Depth, Tag(b.Key)));

    private static KeyValuePair<string, object?> Tag(string instance) => new("instance", instance);
}
