using System.Diagnostics;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Omni.Services.Storage;
using Omni.Local.Emulator;

namespace Omni.Bench;

/// <summary>
/// Ingest and normalize through Omni.Local, each against the bare storage operations it is built on, in one run: the
/// ratios say what Omni's own code costs on top of storage. Each side of each round gets an Azurite of its own, started
/// for it: Azurite's queue garbage collector runs 60 s after start and then every 60 s, deletes the extents of deleted
/// messages one by one (each a re-sort of an index over all of them), and blocks the whole process for as long as that
/// takes (a minute after ~3,000 deleted messages). On one shared Azurite that pass landed in whichever phase was running.
/// A side that outlives the first pass is flagged in the report.
/// <para>
/// Each side is warmed to steady state before it is measured: batches of <see cref="WarmUpBatch"/> messages (ingest, then
/// drain) until two batches in a row run within <see cref="Stable"/> of each other and the JIT compiled at most
/// <see cref="QuietJitMethods"/> methods in the last (at least <see cref="MinWarmUps"/>, at most <see cref="MaxWarmUps"/>), and a first round of both sides that is not counted lets the process's JIT reach its
/// optimized code before any counted round.
/// </para>
/// </summary>
internal static class IngestBenchmark
{
    public const int WarmUpBatch = 100;
    public const int MinWarmUps = 2;
    public const int MaxWarmUps = 8;
    public const double Stable = 0.15;

    /// <summary>A warm-up batch that made the JIT compile more methods than this is not steady state yet, whatever its rate.</summary>
    public const int QuietJitMethods = 25;

    /// <summary>Azurite's first queue GC pass after start (the <c>DEFAULT_GC_INTERVAL_MS</c> of its queue service).</summary>
    public static readonly TimeSpan AzuriteQueueGcInterval = TimeSpan.FromSeconds(60);

    /// <param name="channel">Whose payloads: Evolution <c>messages.upsert</c>, or Discord MESSAGE_CREATE frames signed like the relay.</param>
    /// <param name="uncountedFirstRound">
    /// Whether to run round 0 (not counted) first. The Discord round runs after the Evolution rounds, when everything but
    /// Discord's own verification and normalizer is already optimized; its warm-ups (until the JIT is quiet) cover those.
    /// </param>
    public static async Task<IngestReport> RunAsync(
        int messages, int concurrency, int roundCount, BenchChannel channel = BenchChannel.Evolution, bool uncountedFirstRound = true)
    {
        var perRound = messages / roundCount;
        var warmUps = Payloads.Make(channel, "WARM", WarmUpBatch * MaxWarmUps);

        // Round 0, not counted: a fresh process runs both paths at tier-0 JIT for its first thousands of calls.
        if (uncountedFirstRound)
        {
            var first = Payloads.Make(channel, "FIRST", WarmUpBatch);
            Console.WriteLine("round 0 (not counted)");
            await OmniSideAsync(first, warmUps, concurrency, channel);
            await BareSideAsync(first, warmUps, concurrency);
        }

        var rounds = new List<Round>();
        for (var round = 0; round < roundCount; round++)
        {
            var slice = Payloads.Make(channel, "BENCH", perRound, round * perRound);
            // The sides swap order every round, so drift on the machine (other work on the two cores) hits both alike.
            Side omni, bare;
            if (round % 2 == 0)
            {
                omni = await OmniSideAsync(slice, warmUps, concurrency, channel);
                bare = await BareSideAsync(slice, warmUps, concurrency);
            }
            else
            {
                bare = await BareSideAsync(slice, warmUps, concurrency);
                omni = await OmniSideAsync(slice, warmUps, concurrency, channel);
            }

            rounds.Add(new Round(omni, bare));
            Console.WriteLine($"{channel} round {round + 1}: normalize {omni.Normalize.PerSecond:F0} / {bare.Normalize.PerSecond:F0} ev/s, " +
                              $"host CPU {omni.NormalizeUsage.HostCpuMs:F2} / {bare.NormalizeUsage.HostCpuMs:F2} ms/ev, " +
                              $"allocated {omni.NormalizeUsage.AllocatedKb:F0} / {bare.NormalizeUsage.AllocatedKb:F0} KB/ev, warm-ups {omni.WarmUpRates.Count} / {bare.WarmUpRates.Count}");
        }

        return new IngestReport(perRound, concurrency, rounds) { Channel = channel };
    }

    /// <summary>
    /// One Omni side with an allocation sampler listening while it drains (not part of any counted round: listening costs
    /// CPU). Returns the sampled bytes per type, scaled to KB per event by the exact total allocated.
    /// </summary>
    public static async Task<AllocationProfile> ProfileAsync(int messages, int concurrency)
    {
        var warmUps = Payloads.Make("WARM", WarmUpBatch * MaxWarmUps);
        var slice = Payloads.Make("PROFILE", messages);
        await using var azurite = await Azurite.StartAsync();
        await using var omni = await OmniUnderTest.StartAsync(azurite, concurrency, normalizerRunning: false);
        await WarmUpAsync(warmUps, batch => OmniBatchAsync(omni, batch, concurrency, BenchChannel.Evolution));
        await Phase.MeasureAsync("profile ingest", slice.Length, concurrency, i => omni.PostAsync(slice[i]));
        using var sampler = new AllocationSampler();
        var meter = ResourceMeter.Start(azurite);
        sampler.Active = true;
        BenchEvents.Log.PhaseStart("omni-normalize");
        var events = await omni.DrainAsync();
        BenchEvents.Log.PhaseStop("omni-normalize");
        sampler.Active = false;
        var usage = meter.PerItem(events);
        return new AllocationProfile(events, usage.AllocatedKb, sampler.TotalSampled, sampler.Top(12));
    }

    private static async Task<Side> OmniSideAsync(byte[][] slice, byte[][] warmUps, int concurrency, BenchChannel channel)
    {
        await using var azurite = await Azurite.StartAsync();
        var age = Stopwatch.StartNew();
        await using var omni = await OmniUnderTest.StartAsync(azurite, concurrency, normalizerRunning: false);

        // Warm-up: connections, JIT (Azurite's too), the first sight of every sender (identity resolution), the
        // conversation summaries and catalogue counters (first read), until the rate holds.
        var rates = await WarmUpAsync(warmUps, batch => OmniBatchAsync(omni, batch, concurrency, channel));

        omni.Counter.Reset();
        var ingestMeter = ResourceMeter.Start(azurite);
        var ingest = await Phase.MeasureAsync("Omni ingest", slice.Length, concurrency, i => omni.PostAsync(slice[i], channel));
        var ingestUsage = ingestMeter.PerItem(slice.Length);
        var ingestOps = OperationCounts.Read(omni.Counter);
        omni.Counter.Reset();

        var meter = ResourceMeter.Start(azurite);
        var watch = Stopwatch.StartNew();
        var normalized = await omni.DrainAsync();
        var normalize = new Phase("Omni normalize", normalized, watch.Elapsed, []);
        var usage = meter.PerItem(normalized);
        var normalizeOps = OperationCounts.Read(omni.Counter);
        await AssertNothingDeadLetteredAsync(omni); // a round that measured refusals would measure the wrong thing
        return new Side(ingest, normalize, ingestOps, normalizeOps, ingestUsage, usage, rates, age.Elapsed);
    }

    private static async Task<Side> BareSideAsync(byte[][] slice, byte[][] warmUps, int concurrency)
    {
        await using var azurite = await Azurite.StartAsync();
        var age = Stopwatch.StartNew();
        var bare = await BareUnderTest.StartAsync(azurite);
        var rates = await WarmUpAsync(warmUps, batch => BareBatchAsync(bare, batch, concurrency));

        bare.Counter.Reset();
        var ingestMeter = ResourceMeter.Start(azurite);
        var ingest = await Phase.MeasureAsync("bare ingest", slice.Length, concurrency, i => bare.PutAsync(slice[i], $"m{i}"));
        var ingestUsage = ingestMeter.PerItem(slice.Length);
        var ingestOps = OperationCounts.Read(bare.Counter);
        bare.Counter.Reset();

        var meter = ResourceMeter.Start(azurite);
        var watch = Stopwatch.StartNew();
        var count = await bare.NormalizeAsync(slice.Length);
        var normalize = new Phase("bare normalize", count, watch.Elapsed, []);
        var usage = meter.PerItem(count);
        return new Side(ingest, normalize, ingestOps, OperationCounts.Read(bare.Counter), ingestUsage, usage, rates, age.Elapsed);
    }

    private static async Task AssertNothingDeadLetteredAsync(OmniUnderTest omni)
    {
        var storage = omni.App.Services.GetRequiredService<OmniStorage>();
        await foreach (var row in storage.DeadLetters.QueryAsync<TableEntity>(maxPerPage: 1))
        {
            throw new InvalidOperationException($"Omni dead-lettered a bench payload ({row.PartitionKey}/{row.RowKey}): fix the payloads before measuring");
        }
    }

    /// <summary>Warm-up batches until two in a row agree within <see cref="Stable"/> and the JIT is quiet; returns each batch's rate (messages/s, ingest + drain).</summary>
    private static async Task<IReadOnlyList<double>> WarmUpAsync(byte[][] pool, Func<byte[][], Task<double>> batch)
    {
        var rates = new List<double>();
        for (var i = 0; i < MaxWarmUps; i++)
        {
            var jit = System.Runtime.JitInfo.GetCompiledMethodCount();
            rates.Add(await batch(pool[(i * WarmUpBatch)..((i + 1) * WarmUpBatch)]));
            var jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jit;
            Console.WriteLine($"  warm-up {i + 1}: {rates[^1]:F0} msg/s, {jitted} methods jitted");
            if (rates.Count >= MinWarmUps && Math.Abs((rates[^1] / rates[^2]) - 1) <= Stable && jitted <= QuietJitMethods)
            {
                break;
            }
        }

        return rates;
    }

    private static async Task<double> OmniBatchAsync(OmniUnderTest omni, byte[][] batch, int concurrency, BenchChannel channel)
    {
        var watch = Stopwatch.StartNew();
        await Phase.MeasureAsync("warm-up", batch.Length, concurrency, i => omni.PostAsync(batch[i], channel));
        var drained = await omni.DrainAsync();
        return drained / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> BareBatchAsync(BareUnderTest bare, byte[][] batch, int concurrency)
    {
        var watch = Stopwatch.StartNew();
        // Names are unique per Azurite (the warm-up pool is used once per side).
        var prefix = "warm" + Guid.NewGuid().ToString("N")[..8];
        await Phase.MeasureAsync("warm-up", batch.Length, concurrency, i => bare.PutAsync(batch[i], $"{prefix}{i}"));
        var drained = await bare.NormalizeAsync(batch.Length);
        return drained / watch.Elapsed.TotalSeconds;
    }
}

/// <summary>
/// One side of a round: its phases, storage operations by billing class, what ingest and normalize cost per item
/// (CPU, allocation, collections), the warm-up batches' rates, and how old its Azurite was at the end.
/// </summary>
internal sealed record Side(
    Phase Ingest, Phase Normalize, OperationCounts IngestOps, OperationCounts NormalizeOps, Usage IngestUsage, Usage NormalizeUsage,
    IReadOnlyList<double> WarmUpRates, TimeSpan AzuriteAge)
{
    public OperationCounts AllOps => IngestOps + NormalizeOps;
}

internal sealed record Round(Side Omni, Side Bare)
{
    public double IngestRatio => Omni.Ingest.PerSecond / Bare.Ingest.PerSecond;
    public double NormalizeRatio => Omni.Normalize.PerSecond / Bare.Normalize.PerSecond;
    public double OpsPerEvent => (double)Omni.AllOps.Total / Omni.Normalize.Count;
    public double HostCpuRatio => Omni.NormalizeUsage.HostCpuMs / Bare.NormalizeUsage.HostCpuMs;
    public double AllocationRatio => Omni.NormalizeUsage.AllocatedKb / Bare.NormalizeUsage.AllocatedKb;
    public double DollarsPerMillionEvents => StoragePrices.PerMillionEvents(Omni.AllOps, Omni.Normalize.Count);
    public TimeSpan LongestSide => Omni.AzuriteAge > Bare.AzuriteAge ? Omni.AzuriteAge : Bare.AzuriteAge;
}

/// <summary>Allocation by type in Omni's normalize path: sampled bytes per type, and the exact KB allocated per event.</summary>
internal sealed record AllocationProfile(int Events, double AllocatedKbPerEvent, long SampledBytes, IReadOnlyList<(string Type, long Bytes)> TopTypes);
