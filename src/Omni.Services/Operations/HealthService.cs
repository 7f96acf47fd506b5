using Azure;
using Omni.Services.Configuration;
using Omni.Services.Storage;

namespace Omni.Services.Operations;

/// <summary>
/// What <c>GET /api/health</c> reports: each storage service probed with one cheap call (the raw container's
/// existence, the properties of the ingest and workflow-runs queues and of both poison queues, one point read of the
/// normalizer heartbeat row), the queue depths, and when the normalizer last stored an event. Healthy unless a probe
/// fails or a depth passes its limit (<see cref="HealthOptions"/>: by default 1,000 waiting and any poisoned message). The report names no instance, account or URI and carries no exception text, only status and error
/// codes, because the route is anonymous. Results are cached for <see cref="HealthOptions.CacheFor"/>, so probing
/// the route in a loop does not turn into storage traffic.
/// </summary>
public sealed class HealthService(OmniStorage storage, NormalizerHeartbeat heartbeat, OmniOptions options, TimeProvider time) : IDisposable
{
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private HealthReport? _cached;

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var settings = options.Health;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } cached && time.GetUtcNow() - cached.CheckedAt < settings.CacheFor)
            {
                return cached;
            }

            _cached = await RunChecksAsync(settings, cancellationToken);
            return _cached;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<HealthReport> RunChecksAsync(HealthOptions settings, CancellationToken cancellationToken)
    {
        DateTimeOffset? lastNormalized = null;
        var blob = ProbeAsync(settings, async ct =>
            await storage.RawArchive.ExistsAsync(ct) ? Ok() : Fail("the raw archive container does not exist"), cancellationToken);
        var queue = ProbeAsync(settings, async ct =>
            Depth((await storage.IngestQueue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount, settings.MaxIngestQueueDepth), cancellationToken);
        var runs = ProbeAsync(settings, ct => QueueDepthAsync(
            storage.Queues.GetQueueClient(storage.Names.WorkflowRunsQueue), settings.MaxWorkflowRunsQueueDepth, ct), cancellationToken);
        var poison = ProbeAsync(settings, ct => PoisonDepthAsync(storage.IngestPoisonQueue, settings, ct), cancellationToken);
        var runsPoison = ProbeAsync(settings, ct => PoisonDepthAsync(
            storage.Queues.GetQueueClient(storage.Names.WorkflowRunsPoisonQueue), settings, ct), cancellationToken);
        var table = ProbeAsync(settings, async ct =>
        {
            lastNormalized = await heartbeat.ReadAsync(ct);
            return Ok();
        }, cancellationToken);

        var checks = new Dictionary<string, HealthCheck>(StringComparer.Ordinal)
        {
            ["blob"] = await blob,
            ["queue"] = await queue,
            ["workflow_runs"] = await runs,
            ["poison"] = await poison,
            ["workflow_runs_poison"] = await runsPoison,
            ["table"] = await table,
        };
        var failing = checks.Where(c => c.Value.Status != Healthy).Select(c => c.Key).ToList();
        return new HealthReport(failing.Count == 0 ? Healthy : Unhealthy, time.GetUtcNow(), lastNormalized, failing, checks);
    }

    private static async Task<HealthCheck> ProbeAsync(HealthOptions settings, Func<CancellationToken, Task<HealthCheck>> probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            return await probe(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail($"no answer within {settings.Timeout.TotalSeconds:0.#} s");
        }
        catch (RequestFailedException e)
        {
            // Status and error code only: the exception text carries the request URI (the account name).
            return Fail($"storage answered {e.Status} {e.ErrorCode}".TrimEnd());
        }
#pragma warning disable CA1031 // A probe that cannot even send (DNS, credential) is exactly what health must report, not throw.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return Fail($"unreachable ({e.GetType().Name})");
        }
    }

    /// <summary>A poison queue's depth; a queue not created yet is empty (the Functions runtime creates it on the first poisoned message).</summary>
    private static Task<HealthCheck> PoisonDepthAsync(Azure.Storage.Queues.QueueClient queue, HealthOptions settings, CancellationToken cancellationToken) =>
        QueueDepthAsync(queue, settings.MaxPoisonQueueDepth, cancellationToken);

    /// <summary>A queue's approximate depth against its limit; a queue not created yet is empty.</summary>
    private static async Task<HealthCheck> QueueDepthAsync(Azure.Storage.Queues.QueueClient queue, int? limit, CancellationToken cancellationToken)
    {
        try
        {
            return Depth((await queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount, limit);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return Depth(0, limit);
        }
    }

    public void Dispose() => _gate.Dispose();

    private static HealthCheck Ok() => new(Healthy, null, null);

    private static HealthCheck Fail(string error) => new(Unhealthy, null, error);

    private static HealthCheck Depth(long depth, int? limit) =>
        limit is { } max && depth > max
            ? new HealthCheck(Unhealthy, depth, $"{depth} messages waiting; the limit is {max}")
            : new HealthCheck(Healthy, depth, null);
}

/// <summary>The health answer. <see cref="Failing"/> names the checks that are not healthy.</summary>
public sealed record HealthReport(
    string Status,
    DateTimeOffset CheckedAt,
    DateTimeOffset? LastNormalizedAt,
    IReadOnlyList<string> Failing,
    IReadOnlyDictionary<string, HealthCheck> Checks);

/// <summary>One check: its status, a queue depth where it measures one, and why it failed.</summary>
public sealed record HealthCheck(string Status, long? Depth, string? Error);
