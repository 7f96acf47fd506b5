using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Omni.Services.Ingest;

namespace Omni.Services.Telemetry;

/// <summary>
/// Omni's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named <c>Omni</c>, and the names of
/// everything they emit. Static, as the OpenTelemetry .NET guidance recommends: a host subscribes by name
/// (<c>AddSource("Omni")</c>, <c>AddMeter("Omni")</c>); with no subscriber every call here costs next to nothing.
/// <list type="bullet">
/// <item>Spans: <c>omni.ingest</c> (one webhook), <c>omni.normalize</c> (one queue message),
/// <c>omni.workflow.step</c> (one workflow step, <see cref="StartWorkflowStep"/>), <c>omni.reconcile</c> (one sweep).</item>
/// <item>Counters: <c>omni.webhooks.received</c> {provider, outcome}, <c>omni.events.ingested</c> {provider, event_kind},
/// <c>omni.events.duplicates_suppressed</c> {provider}, <c>omni.deadletters</c> {stage},
/// <c>omni.actions.outcomes</c> {action, provider, outcome}, <c>omni.storage.operations</c> {service},
/// <c>omni.reconcile.reenqueued</c> {provider}, <c>omni.analytics.records</c> {analytics name, workflow, instance, outcome}.</item>
/// <item>Histogram: <c>omni.normalize.duration</c> (ms) {provider, outcome}.</item>
/// </list>
/// Values put on spans and metrics are ids, names and counts, never payload content, headers or secrets.
/// </summary>
public static class OmniTelemetry
{
    public const string Name = "Omni";

    public const string IngestSpan = "omni.ingest";
    public const string NormalizeSpan = "omni.normalize";
    public const string WorkflowStepSpan = "omni.workflow.step";
    public const string ReconcileSpan = "omni.reconcile";

    // Attribute names, shared by spans and metrics (OpenTelemetry style: a namespace, dots, snake_case).
    public const string ProviderTag = "omni.provider";
    public const string InstanceTag = "omni.instance";
    public const string IngestIdTag = "omni.ingest_id";
    public const string EventIdTag = "omni.event_id";
    public const string EventKindTag = "omni.event_kind";
    public const string OutcomeTag = "omni.outcome";
    public const string StageTag = "omni.stage";
    public const string ActionTag = "omni.action";
    public const string WorkflowTag = "omni.workflow";
    public const string StepTag = "omni.step";
    public const string ServiceTag = "omni.storage.service";
    public const string EventsAddedTag = "omni.events.added";
    public const string DuplicatesTag = "omni.events.duplicates";
    public const string QuarantinedTag = "omni.quarantined";
    public const string HttpStatusTag = "http.response.status_code";
    public const string ReconcileExaminedTag = "omni.reconcile.examined";
    public const string ReconcileReEnqueuedTag = "omni.reconcile.reenqueued";
    public const string AnalyticsNameTag = "omni.analytics.name";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> WebhooksReceived = Meter.CreateCounter<long>(
        "omni.webhooks.received", "{webhook}", "Webhook deliveries by provider and outcome (accepted, unauthorized, not_found, too_large, rejected, error).");

    public static readonly Counter<long> EventsIngested = Meter.CreateCounter<long>(
        "omni.events.ingested", "{event}", "Events newly stored by the normalizer, by provider and event kind.");

    public static readonly Counter<long> DuplicatesSuppressed = Meter.CreateCounter<long>(
        "omni.events.duplicates_suppressed", "{event}", "Events the normalizer produced that were already stored (redelivery, replay).");

    public static readonly Histogram<double> NormalizeDuration = Meter.CreateHistogram<double>(
        "omni.normalize.duration", "ms", "Time to normalize and store one ingest message, by provider and outcome.");

    public static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>(
        "omni.deadletters", "{payload}", "Payloads quarantined, by stage (normalize, poison, queue).");

    public static readonly Counter<long> ActionOutcomes = Meter.CreateCounter<long>(
        "omni.actions.outcomes", "{action}", "Workflow action executions by action id, provider and outcome.");

    public static readonly Counter<long> StorageOperations = Meter.CreateCounter<long>(
        "omni.storage.operations", "{request}", "Requests sent to Azure Storage (retries included), by service: blob, queue, table.");

    public static readonly Counter<long> ReconcileReEnqueued = Meter.CreateCounter<long>(
        "omni.reconcile.reenqueued", "{payload}", "Archived payloads the reconciliation sweep enqueued again because they had no queue message and no result.");

    public static readonly Counter<long> AnalyticsRecords = Meter.CreateCounter<long>(
        "omni.analytics.records", "{record}", "Analytics records written by meta.analytics.log (once per run and step), by record name, workflow, instance and the run's outcome so far.");

    /// <summary>The span of one webhook delivery, under the host's HTTP server span; the caller disposes it.</summary>
    public static Activity? StartIngest(string provider, string instance)
    {
        var activity = Source.StartActivity(IngestSpan, ActivityKind.Internal);
        activity?.SetTag(ProviderTag, provider);
        activity?.SetTag(InstanceTag, instance);
        return activity;
    }

    /// <summary>Ends the ingest span's story: the answer's status, the outcome counter.</summary>
    public static void RecordWebhook(Activity? activity, string provider, int statusCode)
    {
        var outcome = statusCode switch
        {
            StatusCodes.Status202Accepted => "accepted",
            StatusCodes.Status401Unauthorized => "unauthorized",
            StatusCodes.Status404NotFound => "not_found",
            StatusCodes.Status413PayloadTooLarge => "too_large",
            >= 500 => "error",
            _ => "rejected",
        };
        activity?.SetTag(HttpStatusTag, statusCode);
        activity?.SetTag(OutcomeTag, outcome);
        if (statusCode >= 500)
        {
            activity?.SetStatus(ActivityStatusCode.Error);
        }

        WebhooksReceived.Add(1, new KeyValuePair<string, object?>(ProviderTag, provider), new KeyValuePair<string, object?>(OutcomeTag, outcome));
    }

    /// <summary>The span of one ingest message through the normalizer; the caller disposes it.</summary>
    public static Activity? StartNormalize(IngestMessage message)
    {
        var activity = Source.StartActivity(NormalizeSpan, ActivityKind.Consumer);
        activity?.SetTag(IngestIdTag, message.IngestId);
        activity?.SetTag(ProviderTag, message.Provider);
        activity?.SetTag(InstanceTag, message.Instance);
        return activity;
    }

    /// <summary>
    /// Ends the normalize span's story: what was added, suppressed or quarantined, and how long it took.
    /// <paramref name="outcome"/> is null when processing threw (the message will be delivered again).
    /// </summary>
    public static void RecordNormalize(Activity? activity, string provider, Normalize.NormalizeOutcome? outcome, TimeSpan elapsed)
    {
        var result = outcome switch
        {
            null => "failed",
            { QuarantineReason: not null } => "quarantined",
            _ => "normalized",
        };
        activity?.SetTag(OutcomeTag, result);
        if (outcome is not null)
        {
            activity?.SetTag(EventsAddedTag, outcome.Added);
            activity?.SetTag(DuplicatesTag, outcome.Duplicates);
            activity?.SetTag(QuarantinedTag, outcome.QuarantineReason is not null);
        }
        else
        {
            activity?.SetStatus(ActivityStatusCode.Error);
        }

        var providerTag = new KeyValuePair<string, object?>(ProviderTag, provider);
        if (outcome is { Duplicates: > 0 })
        {
            DuplicatesSuppressed.Add(outcome.Duplicates, providerTag);
        }

        NormalizeDuration.Record(elapsed.TotalMilliseconds, providerTag, new KeyValuePair<string, object?>(OutcomeTag, result));
    }

    /// <summary>One workflow step: <paramref name="step"/> is the stage (guard, transform, route, ...), <paramref name="action"/> the registry id.</summary>
    public static Activity? StartWorkflowStep(string workflow, string step, string action, string eventId)
    {
        var activity = Source.StartActivity(WorkflowStepSpan, ActivityKind.Internal);
        activity?.SetTag(WorkflowTag, workflow);
        activity?.SetTag(StepTag, step);
        activity?.SetTag(ActionTag, action);
        activity?.SetTag(EventIdTag, eventId);
        return activity;
    }

    /// <summary>Counts one action execution (the workflow engine calls it once per step it ran).</summary>
    public static void RecordActionOutcome(string action, string provider, string outcome) =>
        ActionOutcomes.Add(1,
            new KeyValuePair<string, object?>(ActionTag, action),
            new KeyValuePair<string, object?>(ProviderTag, provider),
            new KeyValuePair<string, object?>(OutcomeTag, outcome));

    /// <summary>Counts one analytics record (written once: a replay that finds it stored does not count again).</summary>
    public static void RecordAnalytics(string name, string? workflow, string instance, string outcome) =>
        AnalyticsRecords.Add(1,
            new KeyValuePair<string, object?>(AnalyticsNameTag, name),
            new KeyValuePair<string, object?>(WorkflowTag, workflow ?? "none"),
            new KeyValuePair<string, object?>(InstanceTag, instance),
            new KeyValuePair<string, object?>(OutcomeTag, outcome));

    /// <summary>Tags the current ingest span with the id the webhook was given.</summary>
    public static void TagIngestId(string ingestId)
    {
        if (Activity.Current is { } activity && activity.Source == Source)
        {
            activity.SetTag(IngestIdTag, ingestId);
        }
    }

    public static void RecordEventIngested(string provider, string eventKind) =>
        EventsIngested.Add(1, new KeyValuePair<string, object?>(ProviderTag, provider), new KeyValuePair<string, object?>(EventKindTag, eventKind));

    /// <summary>The span of one reconciliation sweep; the caller disposes it.</summary>
    public static Activity? StartReconcile() => Source.StartActivity(ReconcileSpan, ActivityKind.Internal);

    /// <summary>Ends the sweep span's story: payloads examined and enqueued again.</summary>
    public static void RecordReconcile(Activity? activity, Reconcile.ReconcileResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        activity?.SetTag(ReconcileExaminedTag, result.Examined);
        activity?.SetTag(ReconcileReEnqueuedTag, result.ReEnqueued);
    }

    /// <summary>Counts one archived payload the sweep enqueued again.</summary>
    public static void RecordReconciled(string provider) => ReconcileReEnqueued.Add(1, new KeyValuePair<string, object?>(ProviderTag, provider));

    public static void RecordDeadLetter(string stage) => DeadLetters.Add(1, new KeyValuePair<string, object?>(StageTag, stage));

    public static void RecordStorageOperation(string service) => StorageOperations.Add(1, new KeyValuePair<string, object?>(ServiceTag, service));
}
