using System.Diagnostics;
using System.Globalization;
using Omni.Bench;

const string Usage = """
    Usage: Omni.Bench [--messages N] [--concurrency C] [--rounds R] [--discord-rounds D] [--telegram-rounds T] [--slack-rounds S]
                      [--mixed-messages M] [--profile-messages P] [--no-discord] [--no-telegram] [--no-slack] [--no-mixed] [--no-profile]
                      [--no-queries] [--output docs/benchmarks.md]
           Omni.Bench --smoke   every channel's payloads through its normalizer (no Azurite, no HTTP), then exit
           Omni.Bench --help
    """;
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(Usage);
    return 0;
}

if (args.Contains("--smoke"))
{
    return BenchSmoke.Run();
}

var messages = Arg("--messages", 3000);
var concurrency = Arg("--concurrency", 16);
var rounds = Arg("--rounds", 6);
var discordRounds = Arg("--discord-rounds", 5);
var telegramRounds = Arg("--telegram-rounds", 5);
var slackRounds = Arg("--slack-rounds", 5);
var mixedMessages = Arg("--mixed-messages", Math.Max(messages / rounds, 300));
var profileMessages = Arg("--profile-messages", Math.Max(messages / rounds, 300));
// The last --output wins: scripts/bench.sh passes docs/benchmarks.md first, so `bash scripts/bench.sh --output other.md` writes other.md.
var outputAt = Array.LastIndexOf(args, "--output");
var output = outputAt >= 0 && outputAt + 1 < args.Length ? args[outputAt + 1] : "docs/benchmarks.md";

var total = Stopwatch.StartNew();
var ingest = await IngestBenchmark.RunAsync(messages, concurrency, rounds);
// The other providers' rounds: their payloads, as many per round as the Evolution rounds, fewer rounds (each answers two
// questions: the normalizer's ratio and the storage operations per event).
var channels = new List<IngestReport>();
foreach (var (channel, count, skip) in new[]
         {
             (BenchChannel.Discord, discordRounds, "--no-discord"),
             (BenchChannel.Telegram, telegramRounds, "--no-telegram"),
             (BenchChannel.Slack, slackRounds, "--no-slack"),
         })
{
    if (!args.Contains(skip) && count > 0)
    {
        channels.Add(await IngestBenchmark.RunAsync(messages / rounds * count, concurrency, count, channel, uncountedFirstRound: false));
    }
}

// Paced at half the rate at which Omni ingested and normalized in the rounds, one after the other (the two share the cores
// and Azurite): a load it keeps up with, so end-to-end latency is not the wait behind a growing backlog.
var ingestRate = BenchMarkdown.Median(ingest.Rounds.Select(r => r.Omni.Ingest.PerSecond));
var normalizeRate = BenchMarkdown.Median(ingest.Rounds.Select(r => r.Omni.Normalize.PerSecond));
var pacedRate = Math.Max(5, 0.5 / ((1 / ingestRate) + (1 / normalizeRate)));
var mixed = args.Contains("--no-mixed") ? null : await MixedLoadBenchmark.RunAsync(mixedMessages, concurrency, pacedRate);
var profile = args.Contains("--no-profile") ? null : await IngestBenchmark.ProfileAsync(profileMessages, concurrency);
var queries = args.Contains("--no-queries") ? null : await QueryBenchmark.RunAsync(readers: 16);
var markdown = BenchMarkdown.Write(ingest, channels, mixed, profile, queries);
await File.WriteAllTextAsync(output, markdown);
Console.WriteLine(markdown);
Console.WriteLine($"written to {Path.GetFullPath(output)} in {total.Elapsed.TotalSeconds:F0} s");
return 0;

int Arg(string name, int fallback)
{
    var value = args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
    return value is null ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
}

namespace Omni.Bench
{
    /// <summary>Wall-clock throughput and per-operation latencies of one phase.</summary>
    internal sealed record Phase(string Name, int Count, TimeSpan Elapsed, IReadOnlyList<double> LatenciesMs)
    {
        public double PerSecond => Count / Elapsed.TotalSeconds;

        public double Percentile(double p)
        {
            if (LatenciesMs.Count == 0)
            {
                return double.NaN;
            }

            var sorted = LatenciesMs.Order().ToArray();
            return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        }

        /// <summary>Runs <paramref name="count"/> operations on <paramref name="workers"/> concurrent workers, timing each.</summary>
        public static async Task<Phase> MeasureAsync(string name, int count, int workers, Func<int, Task> operation)
        {
            var latencies = new double[count];
            var next = -1;
            var total = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    var one = Stopwatch.StartNew();
                    await operation(i);
                    latencies[i] = one.Elapsed.TotalMilliseconds;
                }
            }));
            return new Phase(name, count, total.Elapsed, latencies);
        }
    }
}
