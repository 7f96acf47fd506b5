using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Shadow;
using Omni.Services.Events;
using Omni.Services.Storage;

namespace Omni.Services.Workflows.Shadow;

/// <summary>A shadow replay asked for: the candidate (not stored), the window, the per-step stubs.</summary>
public sealed record ShadowRequest(
    string WorkflowId, string Instance, DateTimeOffset From, DateTimeOffset To, string Yaml, IReadOnlyDictionary<string, JsonElement> Stubs);

/// <summary>The output a request gives one step of the candidate in place of any other.</summary>
public sealed record ShadowStub(string StepId, JsonElement Output);

/// <summary>The window holds more events than one job may replay (<see cref="ShadowOptions.MaxEvents"/>).</summary>
public sealed class ShadowWindowTooLargeException(string message) : Exception(message);

/// <summary>
/// A shadow replay job as stored (one JSON blob, <c>{prefix}shadow-jobs/{job_id}.json</c>): the request, the window's
/// event ids (fixed when the job starts, oldest first), how far it got, and what it found so far.
/// </summary>
public sealed record ShadowJob
{
    public const string Running = "running";
    public const string Completed = "completed";

    public required string JobId { get; init; }
    public required string WorkflowId { get; init; }
    public required int CandidateVersion { get; init; }
    public required string Instance { get; init; }
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    public required string Yaml { get; init; }
    /// <summary>The request's stubs by step id, in step id order (a list: JSON dictionary keys would be renamed to snake_case).</summary>
    public IReadOnlyList<ShadowStub> Stubs { get; init; } = [];
    public required IReadOnlyList<string> EventIds { get; init; }
    public string Status { get; set; } = Running;
    public int Processed { get; set; }

    /// <summary>Events the live version ran on or the candidate's trigger matched.</summary>
    public int Compared { get; set; }

    /// <summary>Compared events whose candidate run rested on an assumption (a note).</summary>
    public int WithAssumptions { get; set; }

    /// <summary>Per action id, in id order.</summary>
    public List<ShadowTotal> Totals { get; set; } = [];
    public List<ShadowEventChange> Changes { get; init; } = [];
}

/// <summary>
/// Runs shadow replays as jobs that advance when asked: starting one replays its first
/// <see cref="ShadowOptions.EventsPerRequest"/> events at once (a small window answers at once, complete), and each
/// status read replays the next ones, so a job needs no worker, queue or timer and runs alike on both hosts, at a cost
/// bounded per request and per job (<see cref="ShadowOptions.MaxEvents"/>). The job id is a hash of the request, so
/// asking twice is the same job and the same answer. Two readers advancing at once are kept apart by the blob's ETag.
/// </summary>
public sealed class ShadowJobs(OmniStorage storage, EventQueryService queries, EventStore events, WorkflowRunStore runs, WorkflowStore workflows,
    ShadowReplayer replayer, ShadowOptions options)
{
    private readonly BlobContainerClient _container = storage.Blobs.GetBlobContainerClient(storage.Names.ShadowJobsContainer);
    private volatile bool _ready;

    /// <summary>The deterministic id of a request: <c>shj_</c> + 24 hex chars of SHA-256 over everything it asks.</summary>
    public static string JobIdFor(ShadowRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var text = string.Join('\n', request.WorkflowId, request.Instance, OmniJson.FormatTime(request.From), OmniJson.FormatTime(request.To),
            request.Yaml, JsonSerializer.Serialize(request.Stubs.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new[] { s.Key, s.Value.GetRawText() })));
        return "shj_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 12));
    }

    /// <summary>Starts the job (or finds it, when the same request was made before) and advances it once.</summary>
    public async Task<ShadowJob> StartAsync(ShadowRequest request, WorkflowDefinition candidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(candidate);
        var jobId = JobIdFor(request);
        if (await LoadAsync(jobId, cancellationToken) is { } existing)
        {
            return await AdvanceAsync(existing.Job, existing.ETag, cancellationToken);
        }

        var page = await queries.QueryAsync(new EventQuery { From = request.From, To = request.To, Ascending = true }, [request.Instance],
            options.MaxEvents, null, cancellationToken);
        if (page.Continuation is not null)
        {
            throw new ShadowWindowTooLargeException(
                $"the window holds more than {options.MaxEvents} events on instance '{request.Instance}', the most one shadow replay reads: narrow it with from/to");
        }

        var job = new ShadowJob
        {
            JobId = jobId,
            WorkflowId = request.WorkflowId,
            CandidateVersion = candidate.Version,
            Instance = request.Instance,
            From = request.From,
            To = request.To,
            Yaml = request.Yaml,
            Stubs = [.. request.Stubs.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new ShadowStub(s.Key, s.Value))],
            EventIds = [.. page.Events.Select(e => e.EventId)],
        };
        job.Status = job.EventIds.Count == 0 ? ShadowJob.Completed : ShadowJob.Running;
        try
        {
            var etag = await SaveAsync(job, null, cancellationToken);
            return await AdvanceAsync(job, etag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // The same request started it meanwhile.
            return await GetAsync(jobId, cancellationToken) ?? throw new InvalidOperationException($"shadow job {jobId} vanished", e);
        }
    }

    /// <summary>The job, advanced once when it is still running; null when there is no such job.</summary>
    public async Task<ShadowJob?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        return await LoadAsync(jobId, cancellationToken) is { } found ? await AdvanceAsync(found.Job, found.ETag, cancellationToken) : null;
    }

    private async Task<ShadowJob> AdvanceAsync(ShadowJob job, ETag etag, CancellationToken cancellationToken)
    {
        if (job.Status != ShadowJob.Running)
        {
            return job;
        }

        var candidate = WorkflowParser.Parse(job.Yaml, workflows.Registry).Definition
                        ?? throw new InvalidOperationException($"shadow job {job.JobId}: its candidate no longer validates");
        var stubs = job.Stubs.ToDictionary(s => s.StepId, s => s.Output, StringComparer.Ordinal);
        foreach (var eventId in job.EventIds.Skip(job.Processed).Take(options.EventsPerRequest).ToList())
        {
            job.Processed++;
            if (await events.GetStoredAsync(eventId, cancellationToken) is not { } evt)
            {
                continue; // removed since the job started (retention)
            }

            var live = (await runs.ListForEventAsync(job.Instance, eventId, cancellationToken))
                .Where(r => r.WorkflowId == job.WorkflowId)
                .OrderBy(r => r.Version)
                .ThenBy(r => r.CreatedAt)
                .LastOrDefault();
            if (await replayer.ReplayAsync(candidate, evt, live, stubs, cancellationToken) is { } result)
            {
                Record(job, result);
            }
        }

        if (job.Processed >= job.EventIds.Count)
        {
            job.Status = ShadowJob.Completed;
        }

        try
        {
            await SaveAsync(job, etag, cancellationToken);
            return job;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Another reader advanced the job meanwhile: answer what it stored.
            return (await LoadAsync(job.JobId, cancellationToken))?.Job ?? job;
        }
    }

    private static void Record(ShadowJob job, ShadowEventResult result)
    {
        job.Compared++;
        if (result.Notes.Count > 0)
        {
            job.WithAssumptions++;
        }

        var totals = job.Totals.ToDictionary(t => t.ActionId, StringComparer.Ordinal);
        ShadowDiff.Tally(totals, result.Live, result.Shadow);
        job.Totals = [.. totals.Values.OrderBy(t => t.ActionId, StringComparer.Ordinal)];
        var (added, removed) = ShadowDiff.Compare(result.Live, result.Shadow);
        if (added.Count > 0 || removed.Count > 0)
        {
            var evt = result.Event;
            job.Changes.Add(new ShadowEventChange(evt.EventId, evt.OccurredAt ?? evt.ReceivedAt, evt.SenderHandle, result.Live, result.Shadow, added, removed, result.Notes));
        }
    }

    private async Task<(ShadowJob Job, ETag ETag)?> LoadAsync(string jobId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        try
        {
            var content = await _container.GetBlobClient(BlobName(jobId)).DownloadContentAsync(cancellationToken);
            return (content.Value.Content.ToObjectFromJson<ShadowJob>(OmniJson.Options)!, content.Value.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private async Task<ETag> SaveAsync(ShadowJob job, ETag? etag, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var conditions = etag is { } match ? new BlobRequestConditions { IfMatch = match } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        var saved = await _container.GetBlobClient(BlobName(job.JobId)).UploadAsync(
            BinaryData.FromObjectAsJson(job, OmniJson.Options),
            new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
            cancellationToken);
        return saved.Value.ETag;
    }

    /// <summary>Job ids are the caller's to give on reads: only the <c>shj_</c> + hex form names a blob.</summary>
    public static bool IsJobId(string text) =>
        text is { Length: 28 } && text.StartsWith("shj_", StringComparison.Ordinal) && text[4..].All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c));

    private static string BlobName(string jobId) => jobId + ".json";

    private async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (!_ready)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _ready = true;
        }
    }
}

/// <summary><c>Omni:Shadow</c>: how much one shadow replay may read and do per request.</summary>
public sealed class ShadowOptions
{
    public const string Section = "Omni:Shadow";

    /// <summary>Events one job may replay at most; a window holding more is refused (narrow it).</summary>
    public int MaxEvents { get; set; } = EventQueryService.MaxAscendingWindow;

    /// <summary>Events replayed per request: the start, then each status read. A window this small answers at once.</summary>
    public int EventsPerRequest { get; set; } = 250;

    /// <summary>The longest window.</summary>
    public TimeSpan MaxWindow { get; set; } = TimeSpan.FromDays(31);
}
