using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Omni.Engine.Json;
using Omni.Local.Tests.Support;
using Omni.Services.Configuration;
using Omni.Services.DeadLetters;
using Omni.Services.Reconcile;
using Omni.Services.Storage;
using Omni.Services.Workflows;
using Xunit.Abstractions;

namespace Omni.Local.Tests;

/// <summary>
/// <c>kill -9</c> under load, for real: Omni.Local runs as a child process, is killed while four senders post webhooks,
/// and is started again on the same storage. Whatever the kill cut off (a body archived but never enqueued, a message
/// taken but not finished, an event stored before its runs were enqueued, a run half-way) must end as exactly one event
/// per payload and one run per (event, workflow), each step once, with no manual replay.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class CrashTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Payloads = 200;
    private const int Senders = 4;
    private const int KillAfterAcks = 60;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>The drain's limit in all, however steady its progress.</summary>
    private static readonly TimeSpan MaxDrain = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Crash_HostKilledMidLoad_NothingLostNothingDoubled()
    {
        var watch = Stopwatch.StartNew();
        var prefix = OmniHost.NewPrefix();
        var settings = new Dictionary<string, string>
        {
            ["Omni__Storage__ConnectionString"] = azurite.ConnectionString,
            ["Omni__Storage__Prefix"] = prefix,
            [$"Omni__Instances__{OmniHost.Instance}__Provider"] = "evolution",
            [$"Omni__Instances__{OmniHost.Instance}__WebhookSecret"] = OmniHost.WebhookSecret,
            ["Omni__Keys__tests__Secret"] = OmniHost.QueryKey,
            ["Omni__Normalizer__VisibilityTimeout"] = "00:00:03", // a killed host's messages come back within 3 s
            ["Omni__Normalizer__RetryDelay"] = "00:00:01",
            ["Omni__Normalizer__MaxPollInterval"] = "00:00:00.100",
            ["Omni__Reconcile__After"] = "00:00:10", // longer than the visibility timeout, as in production, and than the restarted host needs for the backlog on a loaded machine
            ["Omni__Reconcile__Interval"] = "00:00:02",
            ["Logging__LogLevel__Default"] = "Warning",
        };

        // Distinct senders: the reply playbook's rate limit (10 per sender per hour) never stops a run. No agent is
        // configured, so each run ends at its agent step at once (failed, the reason in the audit).
        var payloads = Enumerable.Range(0, Payloads)
            .Select(i => EvolutionPayloads.Text($"3EB0KILL{i:D8}", $"message {i}", $"5511{i:D9}@s.whatsapp.net"))
            .ToArray();
        var acked = new ConcurrentDictionary<string, int>(StringComparer.Ordinal); // ingest id → payload
        var unacked = new ConcurrentBag<int>();

        // 1. Load, then kill -9 mid-load; the senders go on (their posts fail while the host is down).
        var first = await OmniProcess.StartAsync(settings, Bound);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var killNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var senders = Enumerable.Range(0, Senders).Select(s => Task.Run(async () =>
        {
            for (var i = s; i < Payloads; i += Senders)
            {
                if (await TryPostAsync(client, first.BaseAddress, payloads[i]) is { } ingestId)
                {
                    acked[ingestId] = i;
                    if (acked.Count >= KillAfterAcks)
                    {
                        killNow.TrySetResult();
                    }
                }
                else
                {
                    unacked.Add(i);
                }
            }
        })).ToArray();
        await killNow.Task.WaitAsync(Bound);
        first.Kill();
        var killedAt = watch.Elapsed;
        await Task.WhenAll(senders).WaitAsync(Bound);
        var ackedBeforeKill = acked.Count;
        await first.DisposeAsync();

        // 2. Restart on the same storage; the provider retries half of what got no answer (under new ingest ids).
        await using var second = await OmniProcess.StartAsync(settings, Bound);
        var retried = unacked.Where(i => i % 2 == 0).Order().ToList();
        foreach (var i in retried)
        {
            var ingestId = await TryPostAsync(client, second.BaseAddress, payloads[i]);
            Assert.True(ingestId is not null, $"the restarted host refused payload {i}:\n{second.Output}");
            acked[ingestId!] = i;
        }

        // 3. Drain: every archived payload is accounted for (marker or dead letter), both queues empty, every run done.
        var storage = new OmniStorage(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = prefix });
        var archive = await ArchiveAsync(storage);
        var state = await EventuallyAsync(() => ReadStateAsync(storage, archive), s => s.Settled, second, "the restarted host to drain");
        var drainedAt = watch.Elapsed;

        // Every acknowledged payload was archived; the rest of the archive is what the kill orphaned.
        Assert.Subset(archive.Keys.ToHashSet(), acked.Keys.ToHashSet());
        var orphans = archive.Keys.Except(acked.Keys).ToList();
        Assert.Equal(archive.Count, acked.Count + orphans.Count);

        // Every archived payload became exactly one event: events = distinct payloads acked or archived, none twice.
        using var api = new HttpClient { BaseAddress = second.BaseAddress };
        api.DefaultRequestHeaders.Add("x-functions-key", OmniHost.QueryKey);
        var events = await ListEventsAsync(api);
        var expected = archive.Values.Select(i => $"3EB0KILL{i:D8}").ToHashSet(StringComparer.Ordinal);
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(events.Count, events.Select(e => e.MessageId).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(expected.Order(StringComparer.Ordinal), events.Select(e => e.MessageId).Order(StringComparer.Ordinal));
        Assert.Empty(state.DeadLetters);

        // Workflow runs: exactly one per (event, workflow), for every event, completed, each step run once.
        Assert.Equal(events.Select(e => e.EventId).Order(StringComparer.Ordinal), state.Runs.Select(r => r.EventId).Order(StringComparer.Ordinal));
        Assert.All(state.Runs, r => Assert.Equal("reply-to-direct-text", r.WorkflowId));
        Assert.All(state.Runs, r => Assert.Equal(r.Steps.Count, r.Steps.Distinct(StringComparer.Ordinal).Count()));

        // The sweep enqueued only what the kill orphaned (a body archived, its claim check never sent), never a payload twice.
        var swept = System.Text.RegularExpressions.Regex.Matches(second.Output, @"Reconcile: enqueued (\d+)")
            .Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(swept <= orphans.Count, $"the sweep enqueued {swept} payloads again, but the kill orphaned {orphans.Count}");

        output.WriteLine(
            $"{Payloads} payloads; {ackedBeforeKill} acked before the kill at {killedAt.TotalSeconds:F1} s; {unacked.Count} unanswered, " +
            $"{retried.Count} retried; {archive.Count} archived ({orphans.Count} orphaned by the kill, {swept} of them re-enqueued by the sweep); " +
            $"{events.Count} events, " +
            $"{state.Runs.Count} runs; drained at {drainedAt.TotalSeconds:F1} s, done at {watch.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Posts one webhook; the ingest id when it was acknowledged (2xx), null when the host did not answer so.</summary>
    private static async Task<string?> TryPostAsync(HttpClient client, Uri host, byte[] body)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host, $"/api/webhooks/evolution/{OmniHost.Instance}"))
            {
                Content = new ByteArrayContent(body),
            };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Headers.Add("x-webhook-secret", OmniHost.WebhookSecret);
            using var response = await client.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var json = await response.Content.ReadFromJsonAsync<JsonElement>();
            return json.GetProperty("ingest_id").GetString();
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException or OperationCanceledException or JsonException)
        {
            return null; // killed mid-request, or not listening: no acknowledgement
        }
    }

    /// <summary>Every archived payload: ingest id → which payload it holds (read from the body).</summary>
    private static async Task<Dictionary<string, int>> ArchiveAsync(OmniStorage storage)
    {
        var archive = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var blob in storage.RawArchive.GetBlobsAsync(BlobTraits.None, BlobStates.None, null, CancellationToken.None))
        {
            var body = (await storage.RawArchive.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToObjectFromJson<JsonElement>();
            var id = body.GetProperty("data").GetProperty("key").GetProperty("id").GetString()!;
            archive[blob.Name[(blob.Name.LastIndexOf('/') + 1)..]] = int.Parse(id["3EB0KILL".Length..], System.Globalization.CultureInfo.InvariantCulture);
        }

        return archive;
    }

    private sealed record Run(string EventId, string WorkflowId, string Status, IReadOnlyList<string> Steps);

    private sealed record State(bool Settled, IReadOnlyList<Run> Runs, IReadOnlyCollection<string> DeadLetters, string Summary)
    {
        public override string ToString() => Summary;
    }

    private static async Task<State> ReadStateAsync(OmniStorage storage, Dictionary<string, int> archive)
    {
        var wide = DateTimeOffset.UtcNow;
        var marked = await new IngestMarkers(storage).ListAsync(OmniHost.Instance, wide.AddHours(-2), wide.AddHours(1), CancellationToken.None);
        var deadLetters = await new DeadLetterStore(storage, TimeProvider.System).ListIngestIdsAsync(OmniHost.Instance, wide.AddHours(-2), wide.AddHours(1), CancellationToken.None);
        var ingest = (await storage.IngestQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        var inbox = storage.Queues.GetQueueClient(storage.Names.WorkflowRunsQueue);
        var workflowRuns = await inbox.ExistsAsync() ? (await inbox.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;

        var runs = new List<Run>();
        var table = new WorkflowRunStore(storage).Table;
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {OmniHost.Instance}")))
        {
            if (row.GetString("WorkflowId") is { } workflow)
            {
                var audit = JsonSerializer.Deserialize<List<StepAudit>>(TableText.Read(row, "Audit") ?? "[]", OmniJson.Options) ?? [];
                runs.Add(new Run(row.GetString("EventId")!, workflow, row.GetString("Status")!, [.. audit.Select(a => a.StepId)]));
            }
        }

        var settled = archive.Keys.All(id => marked.Contains(id) || deadLetters.Contains(id)) && ingest == 0 && workflowRuns == 0 && runs.Count > 0 && runs.All(r => r.Status == RunStatuses.Completed)
                      && runs.Count == archive.Values.Distinct().Count();
        var unaccounted = archive.Keys.Where(id => !marked.Contains(id) && !deadLetters.Contains(id)).ToList();
        var summary = $"{unaccounted.Count} of {archive.Count} archived payloads with neither an ingest marker nor a dead letter " +
                      $"[{string.Join(", ", unaccounted.Take(5))}]; {ingest} messages on ingest, {workflowRuns} on workflow-runs; " +
                      $"{runs.Count} runs ({runs.Count(r => r.Status == RunStatuses.Completed)} completed)";
        return new State(settled, runs, deadLetters, summary);
    }

    private sealed record Event(string EventId, string MessageId);

    private static async Task<List<Event>> ListEventsAsync(HttpClient api)
    {
        var events = new List<Event>();
        string? continuation = null;
        do
        {
            var page = await api.GetFromJsonAsync<JsonElement>(
                $"/api/events?instance={OmniHost.Instance}&limit=500" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation)));
            events.AddRange(page.GetProperty("events").EnumerateArray()
                .Select(e => new Event(e.GetProperty("event_id").GetString()!, e.GetProperty("provider_message_id").GetString()!)));
            continuation = page.TryGetProperty("continuation", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        }
        while (continuation is not null);

        return events;
    }

    /// <summary>
    /// Polls until <paramref name="condition"/> holds. It fails when the state (its text) has not moved for
    /// <see cref="Bound"/>, or after <see cref="MaxDrain"/> in all: a loaded machine drains slower, a stuck drain not at all.
    /// </summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, OmniProcess host, string what)
    {
        var started = DateTime.UtcNow;
        var stalledAfter = started + Bound;
        string? seen = null;
        while (true)
        {
            var value = await probe();
            if (condition(value))
            {
                return value;
            }

            var now = DateTime.UtcNow;
            if (value?.ToString() != seen)
            {
                seen = value?.ToString();
                stalledAfter = now + Bound;
            }

            if (now > stalledAfter || now - started > MaxDrain)
            {
                Assert.Fail($"waited {(now - started).TotalSeconds:F0} s for {what} (no progress for {Bound}, or over {MaxDrain} in all): {value}\n{host.Output}");
            }

            await Task.Delay(250);
        }
    }
}
