using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Omni.Engine.Json;
using Omni.Engine.Workflows;
using Omni.Services.Configuration;
using Omni.Services.Conversations;
using Omni.Services.Http;

namespace Omni.Services.Workflows.Shadow;

/// <summary>
/// <c>POST /api/workflows/{id}/shadow?instance=&amp;since=7d</c> (or <c>from</c>/<c>to</c>) with a candidate version
/// (YAML, or JSON <c>{"yaml", "stubs"}</c>; never stored): what it would have done over the window's stored events,
/// compared with what the live version did (<see cref="ShadowJobs"/>, <see cref="ShadowReplayer"/>); and
/// <c>GET /api/workflows/{id}/shadow/{job_id}</c>: a job's progress, or its answer once complete.
/// </summary>
public sealed class ShadowEndpoints(OmniOptions options, WorkflowStore store, WorkflowsEndpoints workflows, ShadowJobs jobs, ShadowOptions limits, TimeProvider time)
{
    private static readonly string[] Known = ["instance", "since", "from", "to", "code"];

    public async Task<IResult> ShadowAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var id = call.Route("id");
        var q = new QueryParameters(call.Request, Known);
        var instance = q.Text("instance");
        var now = time.GetUtcNow();
        var since = Time(q, "since", now);
        var from = Time(q, "from", now);
        var to = Time(q, "to", now) ?? now;
        if (q.Error is { } bad)
        {
            return ApiError.BadRequest(bad);
        }

        if (instance is null)
        {
            return ApiError.BadRequest("instance is required: the instance whose events are replayed");
        }

        if (!options.Instances.ContainsKey(instance))
        {
            return ApiError.NotFound($"no instance named '{instance}' is configured");
        }

        if ((since is null) == (from is null))
        {
            return ApiError.BadRequest("give the window as since (an age such as 7d, or a time) or as from (and to)");
        }

        var start = since ?? from!.Value;
        if (to <= start || to - start > limits.MaxWindow)
        {
            return ApiError.BadRequest($"the window must end after it starts and span at most {limits.MaxWindow.TotalDays} days");
        }

        var snapshot = await store.GetAsync(call.Cancellation);
        if (!snapshot.Versions(id).Any(w => WorkflowsEndpoints.Readable(call.Caller, w.Definition.Scope)))
        {
            return ApiError.NotFound($"no workflow '{id}'");
        }

        var (yaml, stubs, error) = await ReadCandidateAsync(call.Request, call.Cancellation);
        if (error is not null)
        {
            return error;
        }

        var (result, errors) = workflows.Check(yaml!);
        if (result.Definition is not { } candidate || errors.Count > 0)
        {
            return ApiError.BadRequest($"the candidate workflow is not valid ({errors.Count} error(s))", WorkflowsEndpoints.Errors(errors));
        }

        if (candidate.Id != id)
        {
            return ApiError.BadRequest($"the candidate's id '{candidate.Id}' does not match the URL's '{id}'");
        }

        if (candidate.Scope != WorkflowDefinition.AnyInstance && candidate.Scope != instance)
        {
            return ApiError.BadRequest($"the candidate's scope '{candidate.Scope}' does not cover instance '{instance}'");
        }

        ShadowJob job;
        try
        {
            job = await jobs.StartAsync(new ShadowRequest(id, instance, start, to, yaml!, stubs), candidate, call.Cancellation);
        }
        catch (ShadowWindowTooLargeException e)
        {
            return ApiError.Create(StatusCodes.Status400BadRequest, "window_too_large", e.Message);
        }

        if (job.Status == ShadowJob.Completed)
        {
            return Results.Json(View(job), OmniJson.Options);
        }

        call.Request.HttpContext.Response.Headers.Location = $"/{ApiRoutes.Prefix}/workflows/{Uri.EscapeDataString(id)}/shadow/{job.JobId}";
        return Results.Json(View(job), OmniJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    public async Task<IResult> JobAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (id, jobId) = (call.Route("id"), call.Route("job_id"));
        var job = ShadowJobs.IsJobId(jobId) ? await jobs.GetAsync(jobId, call.Cancellation) : null;
        return job is null || job.WorkflowId != id || !call.Caller.CanRead(job.Instance)
            ? ApiError.NotFound($"no shadow job '{jobId}' of workflow '{id}' this key may read")
            : Results.Json(View(job), OmniJson.Options);
    }

    /// <summary>The answer: progress while running; once complete, the totals, a summary line and the events that changed.</summary>
    public static object View(ShadowJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var done = job.Status == ShadowJob.Completed;
        return new
        {
            job_id = job.JobId,
            status = job.Status,
            workflow_id = job.WorkflowId,
            candidate_version = job.CandidateVersion,
            instance = job.Instance,
            from = job.From,
            to = job.To,
            progress = new { processed = job.Processed, total = job.EventIds.Count },
            events_compared = job.Compared,
            events_changed = job.Changes.Count,
            events_with_assumptions = job.WithAssumptions,
            summary = done ? Engine.Workflows.Shadow.ShadowDiff.Summary(job.Totals) : null,
            totals = done ? job.Totals : null,
            changes = done ? job.Changes : null,
        };
    }

    private static DateTimeOffset? Time(QueryParameters q, string name, DateTimeOffset now) =>
        q.Text(name) is { } text
            ? ConversationFilter.ParseTime(text, now) ?? q.Invalid<DateTimeOffset?>($"{name} must be an age (30m, 24h, 7d, 2w) or an ISO-8601 time")
            : null;

    /// <summary>The candidate: the body's YAML, or JSON <c>{"yaml": "...", "stubs": {"step-id": output}}</c>.</summary>
    private static async Task<(string? Yaml, IReadOnlyDictionary<string, JsonElement> Stubs, IResult? Error)> ReadCandidateAsync(
        HttpRequest request, CancellationToken cancellationToken)
    {
        var none = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var (text, error) = WorkflowsEndpoints.ReadText(
            await BoundedBody.ReadAsync(request.Body, WorkflowsEndpoints.MaxYamlBytes, cancellationToken), "the candidate workflow's YAML");
        if (error is not null || request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return (text, none, error);
        }

        const string shape = "a JSON body must be {\"yaml\": \"<the workflow>\", \"stubs\": {\"<step id>\": <its output>}}";
        CandidateBody? body;
        try
        {
            body = JsonSerializer.Deserialize<CandidateBody>(text!, OmniJson.Options);
        }
        catch (JsonException e)
        {
            return (null, none, ApiError.BadRequest(shape, e.Message));
        }

        if (body?.Yaml is not { Length: > 0 } yaml || body.Stubs?.Values.Any(v => v.ValueKind != JsonValueKind.Object) == true)
        {
            return (null, none, ApiError.BadRequest(shape + "; each stub is a JSON object"));
        }

        return (yaml, body.Stubs ?? none, null);
    }

    private sealed record CandidateBody(string? Yaml, Dictionary<string, JsonElement>? Stubs);
}
