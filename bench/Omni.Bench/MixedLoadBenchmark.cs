using System.Diagnostics;
using Omni.Engine.Events;
using Omni.Local.Emulator;

namespace Omni.Bench;

/// <summary>
/// Ingest while the normalizer drains, Omni.Local's hosted queue consumer running on a fresh Azurite, in two parts:
/// <list type="number">
/// <item>saturated: <c>senders</c> concurrent senders posting as fast as they are answered (the queue grows while the
/// consumer drains it): the 202's latency;</item>
/// <item>paced: messages arriving at a fixed rate (half the rate at which the rounds ingested and normalized): the 202's
/// latency, and for every <see cref="SampleEvery"/>th message the time from its 202 until <c>GET /api/events/{id}</c>
/// answers 200 (polled every <see cref="PollInterval"/>, so up to that much late).</item>
/// </list>
/// The workflow runner is off (the bench empties workflow-runs every <see cref="EmptyEvery"/> in its stead, as in the rounds);
/// a third, informational part repeats the saturated one on another fresh Azurite with the runner on and the seed playbooks.
/// </summary>
internal static class MixedLoadBenchmark
{
    public const int SampleEvery = 4;
    public const int WarmUp = 200;
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    public static readonly TimeSpan EmptyEvery = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);

    public static async Task<MixedReport> RunAsync(int messages, int senders, double pacedRate)
    {
        MixedPart saturated, paced, withRunner;
        await using (var azurite = await Azurite.StartAsync())
        {
            var age = Stopwatch.StartNew();
            await using var omni = await StartAsync(azurite, senders, runWorkflows: false);
            using var stop = new CancellationTokenSource();
            var emptier = omni.EmptyWorkflowRunsAsync(EmptyEvery, stop.Token);
            await WarmUpAsync(omni, "MIXWARM", senders);
            saturated = await SaturatedAsync(omni, azurite, Payloads.Make("MIXSAT", messages), senders, "MIXSAT");
            paced = await PacedAsync(omni, azurite, Payloads.Make("MIXPACE", messages), pacedRate);
            await stop.CancelAsync();
            await emptier;
            saturated = saturated with { AzuriteAge = age.Elapsed };
        }

        await using (var azurite = await Azurite.StartAsync())
        {
            var age = Stopwatch.StartNew();
            await using var omni = await StartAsync(azurite, senders, runWorkflows: true);
            await WarmUpAsync(omni, "RUNWARM", senders);
            withRunner = await SaturatedAsync(omni, azurite, Payloads.Make("RUNSAT", messages), senders, "RUNSAT");
            withRunner = withRunner with { AzuriteAge = age.Elapsed };
        }

        return new MixedReport(senders, pacedRate, saturated, paced, withRunner);
    }

    private static async Task<OmniUnderTest> StartAsync(Azurite azurite, int senders, bool runWorkflows)
    {
        var omni = await OmniUnderTest.StartAsync(azurite, senders, normalizerRunning: true, runWorkflows);
        omni.Http.DefaultRequestHeaders.Add("x-functions-key", OmniUnderTest.QueryKey);
        return omni;
    }

    /// <summary>First sight of every sender, summaries, counters, JIT; done when the last one is queryable.</summary>
    private static async Task WarmUpAsync(OmniUnderTest omni, string prefix, int senders)
    {
        var warm = Payloads.Make(prefix, WarmUp);
        await Phase.MeasureAsync("mixed warm-up", warm.Length, senders, i => omni.PostAsync(warm[i]));
        await TimeToQueryableAsync(omni, EventIdOf(prefix, warm.Length - 1), Stopwatch.GetTimestamp());
    }

    private static async Task<MixedPart> SaturatedAsync(OmniUnderTest omni, Azurite azurite, byte[][] bodies, int senders, string prefix)
    {
        var meter = ResourceMeter.Start(azurite);
        var started = Stopwatch.StartNew();
        var ingest = await Phase.MeasureAsync("ingest while normalizing", bodies.Length, senders, i => omni.PostAsync(bodies[i]));
        // Done when every message sent is normalized: the last one's event (the queue is roughly first in, first out) and the first's.
        await TimeToQueryableAsync(omni, EventIdOf(prefix, bodies.Length - 1), Stopwatch.GetTimestamp());
        await TimeToQueryableAsync(omni, EventIdOf(prefix, 0), Stopwatch.GetTimestamp());
        return new MixedPart(ingest, [], meter.PerItem(bodies.Length), started.Elapsed, TimeSpan.Zero);
    }

    private static async Task<MixedPart> PacedAsync(OmniUnderTest omni, Azurite azurite, byte[][] bodies, double rate)
    {
        var meter = ResourceMeter.Start(azurite);
        var started = Stopwatch.StartNew();
        var acks = new double[bodies.Length];
        var sends = new List<Task<double?>>();
        for (var i = 0; i < bodies.Length; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            if (due > started.Elapsed)
            {
                await Task.Delay(due - started.Elapsed);
            }

            var index = i;
            sends.Add(Task.Run(async () =>
            {
                var sent = Stopwatch.GetTimestamp();
                await omni.PostAsync(bodies[index]);
                acks[index] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                return index % SampleEvery == 0 ? await TimeToQueryableAsync(omni, EventIdOf("MIXPACE", index), Stopwatch.GetTimestamp()) : (double?)null;
            }));
        }

        var endToEnd = (await Task.WhenAll(sends)).OfType<double>().ToList();
        var ingest = new Phase("paced ingest", bodies.Length, started.Elapsed, acks);
        return new MixedPart(ingest, endToEnd, meter.PerItem(bodies.Length), started.Elapsed, TimeSpan.Zero);
    }

    private static string EventIdOf(string prefix, int i) =>
        EventKey.ComputeEventId("evolution", OmniUnderTest.Instance, Payloads.MessageId(prefix, i), EventKinds.Message);

    /// <summary>Milliseconds from <paramref name="since"/> until the event is readable through the API.</summary>
    private static async Task<double> TimeToQueryableAsync(OmniUnderTest omni, string eventId, long since)
    {
        while (true)
        {
            using (var response = await omni.Http.GetAsync($"/api/events/{Uri.EscapeDataString(eventId)}"))
            {
                if (response.IsSuccessStatusCode)
                {
                    return Stopwatch.GetElapsedTime(since).TotalMilliseconds;
                }

                if ((int)response.StatusCode != 404)
                {
                    throw new InvalidOperationException($"GET /api/events/{eventId} answered {(int)response.StatusCode}");
                }
            }

            if (Stopwatch.GetElapsedTime(since) > GiveUpAfter)
            {
                throw new TimeoutException($"event {eventId} was not queryable {GiveUpAfter.TotalSeconds:F0} s after its 202");
            }

            await Task.Delay(PollInterval);
        }
    }
}

/// <summary>One part: the 202 latencies, sampled 202-to-queryable times, CPU and allocation per message until all was normalized, how long it took.</summary>
internal sealed record MixedPart(Phase Ingest, IReadOnlyList<double> EndToEndMs, Usage Usage, TimeSpan UntilNormalized, TimeSpan AzuriteAge)
{
    public Phase EndToEnd => new("end to end", EndToEndMs.Count, TimeSpan.FromSeconds(1), EndToEndMs);
}

internal sealed record MixedReport(int Senders, double PacedRate, MixedPart Saturated, MixedPart Paced, MixedPart WithRunner);
