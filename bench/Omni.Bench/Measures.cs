using System.Diagnostics.Tracing;
using Omni.Local.Emulator;
using Omni.Services.Storage;

namespace Omni.Bench;

/// <summary>
/// What one phase cost, per item: CPU of Azurite and of this process (process CPU time deltas), bytes allocated in this
/// process (<see cref="GC.GetTotalAllocatedBytes"/> deltas), garbage collections per 1,000 items, and the JIT's work in
/// this process during the phase (total milliseconds and methods compiled, not per item: near zero in steady state).
/// </summary>
internal sealed record Usage(double AzuriteCpuMs, double HostCpuMs, double AllocatedKb, double Gen0PerK, double Gen1PerK, double Gen2PerK, double JitMs, long JitMethods);

/// <summary>Measures a phase: start it before, read <see cref="PerItem"/> after.</summary>
internal sealed class ResourceMeter
{
    private readonly Azurite _azurite;
    private readonly TimeSpan _azuriteStart;
    private readonly TimeSpan _hostStart;
    private readonly long _allocatedStart;
    private readonly int[] _collectionsStart;
    private readonly TimeSpan _jitStart;
    private readonly long _jitMethodsStart;

    private ResourceMeter(Azurite azurite)
    {
        _azurite = azurite;
        _collectionsStart = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        _jitStart = System.Runtime.JitInfo.GetCompilationTime();
        _jitMethodsStart = System.Runtime.JitInfo.GetCompiledMethodCount();
        _allocatedStart = GC.GetTotalAllocatedBytes(precise: true);
        _azuriteStart = azurite.ProcessorTime;
        _hostStart = Environment.CpuUsage.TotalTime;
    }

    public static ResourceMeter Start(Azurite azurite) => new(azurite);

    public Usage PerItem(int items)
    {
        var host = Environment.CpuUsage.TotalTime - _hostStart;
        var azurite = _azurite.ProcessorTime - _azuriteStart;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - _allocatedStart;
        var n = Math.Max(items, 1);
        return new Usage(
            azurite.TotalMilliseconds / n,
            host.TotalMilliseconds / n,
            allocated / 1024.0 / n,
            (GC.CollectionCount(0) - _collectionsStart[0]) * 1000.0 / n,
            (GC.CollectionCount(1) - _collectionsStart[1]) * 1000.0 / n,
            (GC.CollectionCount(2) - _collectionsStart[2]) * 1000.0 / n,
            (System.Runtime.JitInfo.GetCompilationTime() - _jitStart).TotalMilliseconds,
            System.Runtime.JitInfo.GetCompiledMethodCount() - _jitMethodsStart);
    }
}

/// <summary>Storage operations of one phase by billing class (from <see cref="StorageOperationCounter"/>).</summary>
internal sealed record OperationCounts(long BlobWrite, long BlobRead, long QueueClass1, long QueueClass2, long Table)
{
    public static readonly OperationCounts None = new(0, 0, 0, 0, 0);

    public long Total => BlobWrite + BlobRead + QueueClass1 + QueueClass2 + Table;

    public static OperationCounts Read(StorageOperationCounter counter) => new(
        counter.Count(StorageBillingClass.BlobWrite), counter.Count(StorageBillingClass.BlobRead),
        counter.Count(StorageBillingClass.QueueClass1), counter.Count(StorageBillingClass.QueueClass2), counter.Count(StorageBillingClass.Table));

    public static OperationCounts operator +(OperationCounts a, OperationCounts b) => new(
        a.BlobWrite + b.BlobWrite, a.BlobRead + b.BlobRead, a.QueueClass1 + b.QueueClass1, a.QueueClass2 + b.QueueClass2, a.Table + b.Table);
}

/// <summary>
/// Azure Storage list prices (standard general-purpose v2, LRS, hot tier for blobs, US East, pay-as-you-go), per 10,000
/// operations, as published on Microsoft's public pricing pages ("Azure Blob Storage pricing", "Azure Queue Storage
/// pricing", "Azure Table Storage pricing"). This machine has no internet: these are the well-known published figures as
/// of <see cref="AsOf"/>, and must be checked against the pages before they are relied on.
/// </summary>
internal static class StoragePrices
{
    public const string AsOf = "2025 (entered 2026-12-05 without access to the pages)";
    public const double BlobHotWritePer10K = 0.065;
    public const double BlobHotReadPer10K = 0.005;
    public const double QueueClass1Per10K = 0.004;
    public const double QueueClass2Per10K = 0.004;
    public const double TableTransactionPer10K = 0.00036;

    /// <summary>US dollars per million events for <paramref name="ops"/> spent on <paramref name="events"/> events.</summary>
    public static double PerMillionEvents(OperationCounts ops, int events) =>
        (ops.BlobWrite * BlobHotWritePer10K + ops.BlobRead * BlobHotReadPer10K + ops.QueueClass1 * QueueClass1Per10K +
         ops.QueueClass2 * QueueClass2Per10K + ops.Table * TableTransactionPer10K) / 10_000 * 1_000_000 / Math.Max(events, 1);
}

/// <summary>
/// Samples this process's allocations by type while <see cref="Active"/>: the runtime's GC AllocationTick event fires
/// about every 100 KB allocated and names the type of the allocation that crossed the mark, so the bytes per type are an
/// estimate proportional to what each type allocates. Needs no tool; it only listens while a profile pass runs.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const int AllocationTickEventId = 10;
    private readonly Dictionary<string, long> _bytesByType = [];
    private readonly Lock _gate = new();

    public bool Active { get; set; }

    public IReadOnlyList<(string Type, long Bytes)> Top(int count)
    {
        lock (_gate)
        {
            return _bytesByType.OrderByDescending(p => p.Value).Take(count).Select(p => (p.Key, p.Value)).ToList();
        }
    }

    public long TotalSampled
    {
        get
        {
            lock (_gate)
            {
                return _bytesByType.Values.Sum();
            }
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword; AllocationTick is verbose
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!Active || eventData.EventId != AllocationTickEventId || eventData.PayloadNames is null)
        {
            return;
        }

        var type = Payload(eventData, "TypeName") as string ?? "?";
        var kind = Payload(eventData, "AllocationKind") is uint k && k == 1 ? " (large object heap)" : "";
        var amount = Payload(eventData, "AllocationAmount64") is ulong a ? (long)a : 100 * 1024;
        lock (_gate)
        {
            _bytesByType[type + kind] = _bytesByType.GetValueOrDefault(type + kind) + amount;
        }
    }

    private static object? Payload(EventWrittenEventArgs e, string name)
    {
        var i = e.PayloadNames!.IndexOf(name);
        return i >= 0 && e.Payload is { } payload && i < payload.Count ? payload[i] : null;
    }
}

/// <summary>Marks the bench's phases in traces (<c>dotnet-trace collect --providers Omni-Bench,...</c>) so a profile can cut one out.</summary>
[EventSource(Name = "Omni-Bench")]
internal sealed class BenchEvents : EventSource
{
    public static readonly BenchEvents Log = new();

    [Event(1)]
    public void PhaseStart(string phase) => WriteEvent(1, phase);

    [Event(2)]
    public void PhaseStop(string phase) => WriteEvent(2, phase);
}
