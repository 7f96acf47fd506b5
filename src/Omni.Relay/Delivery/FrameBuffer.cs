using System.Globalization;

namespace Omni.Relay.Delivery;

/// <summary>
/// One instance's durable, bounded FIFO of frames Omni has not accepted yet: one file per frame in
/// <c>{StateDirectory}/{instance}/buffer/</c>, named <c>{order:D16}_{webhook-id}.frame</c> and holding the frame's bytes
/// exactly as forwarded. A frame is written (temporary file, then renamed) before the gateway's sequence moves past it,
/// and deleted only after Omni answered 2xx, so a crash of the relay loses nothing it acknowledged; at worst a frame is
/// sent twice under the same webhook id. Appending an id that is already waiting does nothing (a RESUME that replays a
/// buffered frame does not double it). Thread-safe.
/// </summary>
public sealed class FrameBuffer
{
    private const string Extension = ".frame";
    private readonly string _directory;
    private readonly string _rejectedDirectory;
    private readonly Lock _lock = new();
    private readonly LinkedList<BufferedFrame> _frames = new();
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _nextOrder;
    private TaskCompletionSource _changed = NewSignal();

    public FrameBuffer(string instanceDirectory, int capacity, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _time = time;
        _directory = Path.Combine(instanceDirectory, "buffer");
        _rejectedDirectory = Path.Combine(instanceDirectory, "rejected");
        Directory.CreateDirectory(_directory);
        foreach (var leftover in Directory.EnumerateFiles(_directory, "*.tmp"))
        {
            File.Delete(leftover); // a write the crash interrupted: its frame was never acknowledged to Discord
        }

        foreach (var path in Directory.EnumerateFiles(_directory, "*" + Extension).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var separator = name.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0 || !long.TryParse(name[..separator], NumberStyles.None, CultureInfo.InvariantCulture, out var order))
            {
                continue;
            }

            var id = name[(separator + 1)..];
            _frames.AddLast(new BufferedFrame(order, id, path, File.GetLastWriteTimeUtc(path)));
            _ids.Add(id);
            _nextOrder = Math.Max(_nextOrder, order + 1);
        }
    }

    public int Capacity { get; }

    public int Depth
    {
        get
        {
            lock (_lock)
            {
                return _frames.Count;
            }
        }
    }

    public bool IsFull => Depth >= Capacity;

    /// <summary>When the oldest waiting frame was buffered, or null when none waits.</summary>
    public DateTimeOffset? OldestBufferedAt
    {
        get
        {
            lock (_lock)
            {
                return _frames.First?.Value.BufferedAt;
            }
        }
    }

    /// <summary>
    /// Buffers a frame unless the buffer is full. Returns <see cref="AppendResult.Full"/> without writing anything then;
    /// the caller must not acknowledge the frame.
    /// </summary>
    public AppendResult TryAppend(string webhookId, ReadOnlySpan<byte> body)
    {
        lock (_lock)
        {
            if (_ids.Contains(webhookId))
            {
                return AppendResult.Duplicate;
            }

            if (_frames.Count >= Capacity)
            {
                return AppendResult.Full;
            }

            var order = _nextOrder++;
            var path = Path.Combine(_directory, $"{order.ToString("D16", CultureInfo.InvariantCulture)}_{webhookId}{Extension}");
            var temporary = path + ".tmp";
            File.WriteAllBytes(temporary, body);
            File.Move(temporary, path);
            _frames.AddLast(new BufferedFrame(order, webhookId, path, _time.GetUtcNow()));
            _ids.Add(webhookId);
            Signal();
            return AppendResult.Appended;
        }
    }

    /// <summary>Buffers a frame, waiting for room while the buffer is full (backfill: it has no socket to stop reading).</summary>
    public async Task<AppendResult> AppendWaitingAsync(string webhookId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                var result = TryAppend(webhookId, body.Span);
                if (result != AppendResult.Full)
                {
                    return result;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until at most <paramref name="depth"/> frames wait.</summary>
    public async Task WaitUntilDepthAtMostAsync(int depth, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_frames.Count <= depth)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The oldest waiting frame, waiting for one to arrive when the buffer is empty.</summary>
    public async Task<BufferedFrame> PeekAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_frames.First is { } first)
                {
                    return first.Value;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static byte[] Read(BufferedFrame frame) => File.ReadAllBytes(frame.Path);

    /// <summary>Forgets a frame Omni accepted.</summary>
    public void Remove(BufferedFrame frame)
    {
        lock (_lock)
        {
            File.Delete(frame.Path);
            _frames.Remove(frame);
            _ids.Remove(frame.WebhookId);
            Signal();
        }
    }

    /// <summary>Moves a frame Omni refused for good (a 4xx about the frame itself) to <c>rejected/</c>, kept for an operator.</summary>
    public void Reject(BufferedFrame frame)
    {
        lock (_lock)
        {
            Directory.CreateDirectory(_rejectedDirectory);
            File.Move(frame.Path, Path.Combine(_rejectedDirectory, Path.GetFileName(frame.Path)), overwrite: true);
            _frames.Remove(frame);
            _ids.Remove(frame.WebhookId);
            Signal();
        }
    }

    private void Signal()
    {
        var previous = _changed;
        _changed = NewSignal();
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>One frame waiting in a <see cref="FrameBuffer"/>.</summary>
public sealed record BufferedFrame(long Order, string WebhookId, string Path, DateTimeOffset BufferedAt);

public enum AppendResult
{
    Appended,
    Duplicate,
    Full,
}
