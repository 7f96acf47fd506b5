using System.Diagnostics;
using System.Globalization;
using Omni.Bench;

// Usage: Omni.Bench [--messages N] [--concurrency C] [--output docs/benchmarks.md]
var messages = Arg("--messages", 2000);
var concurrency = Arg("--concurrency", 16);
var output = args.SkipWhile(a => a != "--output").Skip(1).FirstOrDefault() ?? "docs/benchmarks.md";

var report = await IngestBenchmark.RunAsync(messages, concurrency);
var queries = await QueryBenchmark.RunAsync(readers: 16);
var sb = new System.Text.StringBuilder(report.ToMarkdown());
queries.AppendMarkdown(sb);
var markdown = sb.ToString();
await File.WriteAllTextAsync(output, markdown);
Console.WriteLine(markdown);
Console.WriteLine($"written to {Path.GetFullPath(output)}");
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
