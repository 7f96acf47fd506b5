using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Omni.Local.Tests.Support;
using Omni.Services.Telemetry;

namespace Omni.Local.Tests;

/// <summary>
/// The Omni ActivitySource and Meter, read through the OpenTelemetry SDK's in-memory exporter while a real Omni.Local
/// ingests and normalizes. The tests of this collection run one at a time, so the process-wide instruments only see
/// this test's host.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class TelemetryTests(AzuriteFixture azurite) : IDisposable
{
    private readonly SpanList _spans = new();
    private readonly List<MetricSnapshot> _metrics = [];
    private MeterProvider? _meter;
    private TracerProvider? _spanTracer;

    public void Dispose()
    {
        _spanTracer?.Dispose();
        _meter?.Dispose();
    }

    [Fact]
    public async Task IngestAndNormalize_OneTextMessage_EmitsIngestAndNormalizeSpansAndMetrics()
    {
        StartCollecting();
        await using var host = await OmniHost.StartAsync(azurite);

        var ingestId = await host.IngestAsync(EvolutionPayloads.Text("3EB0TELEMETRY001", "hello telemetry"));
        var normalize = await NormalizeSpanAsync(ingestId);
        var ingest = Assert.Single(_spans.Snapshot(), s => s.OperationName == OmniTelemetry.IngestSpan);

        Assert.Equal(ingestId, ingest.GetTagItem(OmniTelemetry.IngestIdTag));
        Assert.Equal("evolution", ingest.GetTagItem(OmniTelemetry.ProviderTag));
        Assert.Equal(OmniHost.Instance, ingest.GetTagItem(OmniTelemetry.InstanceTag));
        Assert.Equal(202, ingest.GetTagItem(OmniTelemetry.HttpStatusTag));
        Assert.Equal("accepted", ingest.GetTagItem(OmniTelemetry.OutcomeTag));
        Assert.Equal(ActivityKind.Internal, ingest.Kind);
        var request = Assert.Single(_spans.Snapshot(), s => s.SpanId == ingest.ParentSpanId);
        Assert.Equal("Microsoft.AspNetCore", request.Source.Name);

        Assert.Equal("evolution", normalize.GetTagItem(OmniTelemetry.ProviderTag));
        Assert.Equal(OmniHost.Instance, normalize.GetTagItem(OmniTelemetry.InstanceTag));
        Assert.Equal(1, normalize.GetTagItem(OmniTelemetry.EventsAddedTag));
        Assert.Equal(0, normalize.GetTagItem(OmniTelemetry.DuplicatesTag));
        Assert.Equal(false, normalize.GetTagItem(OmniTelemetry.QuarantinedTag));
        Assert.Equal("normalized", normalize.GetTagItem(OmniTelemetry.OutcomeTag));
        Assert.Equal(ActivityKind.Consumer, normalize.Kind);

        FlushMetrics();
        Assert.Equal(1, Sum("omni.webhooks.received", (OmniTelemetry.ProviderTag, "evolution"), (OmniTelemetry.OutcomeTag, "accepted")));
        Assert.Equal(1, Sum("omni.webhooks.received"));
        Assert.Equal(1, Sum("omni.events.ingested", (OmniTelemetry.ProviderTag, "evolution"), (OmniTelemetry.EventKindTag, "message")));
        Assert.Equal(1, Sum("omni.events.ingested"));
        Assert.Equal(1, HistogramCount("omni.normalize.duration", (OmniTelemetry.ProviderTag, "evolution"), (OmniTelemetry.OutcomeTag, "normalized")));
        Assert.Equal(0, Sum("omni.events.duplicates_suppressed"));
        Assert.Equal(0, Sum("omni.deadletters"));
        // Archive put + read (blob), enqueue (queue), the event transaction (table), at least.
        Assert.True(Sum("omni.storage.operations", (OmniTelemetry.ServiceTag, "blob")) >= 2);
        Assert.True(Sum("omni.storage.operations", (OmniTelemetry.ServiceTag, "queue")) >= 1);
        Assert.True(Sum("omni.storage.operations", (OmniTelemetry.ServiceTag, "table")) >= 1);
    }

    [Fact]
    public async Task Redelivery_Quarantine_AndRefusal_AreCountedByOutcome()
    {
        StartCollecting();
        await using var host = await OmniHost.StartAsync(azurite);
        var body = EvolutionPayloads.Text("3EB0TELEMETRY002", "twice");

        var first = await host.IngestAsync(body);
        await NormalizeSpanAsync(first);
        var second = await host.IngestAsync(body); // the provider redelivers: same event, new ingest
        var duplicate = await NormalizeSpanAsync(second);
        var broken = await host.IngestAsync("{ not json"u8.ToArray());
        var quarantined = await NormalizeSpanAsync(broken);
        using (var refused = await host.PostWebhookAsync(body, secret: "wrong"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        Assert.Equal(0, duplicate.GetTagItem(OmniTelemetry.EventsAddedTag));
        Assert.Equal(1, duplicate.GetTagItem(OmniTelemetry.DuplicatesTag));
        Assert.Equal(true, quarantined.GetTagItem(OmniTelemetry.QuarantinedTag));
        Assert.Equal("quarantined", quarantined.GetTagItem(OmniTelemetry.OutcomeTag));

        FlushMetrics();
        Assert.Equal(1, Sum("omni.events.ingested"));
        Assert.Equal(1, Sum("omni.events.duplicates_suppressed", (OmniTelemetry.ProviderTag, "evolution")));
        Assert.Equal(1, Sum("omni.deadletters", (OmniTelemetry.StageTag, "normalize")));
        Assert.Equal(3, Sum("omni.webhooks.received", (OmniTelemetry.OutcomeTag, "accepted")));
        Assert.Equal(1, Sum("omni.webhooks.received", (OmniTelemetry.OutcomeTag, "unauthorized")));
        Assert.Equal(2, HistogramCount("omni.normalize.duration", (OmniTelemetry.OutcomeTag, "normalized")));
        Assert.Equal(1, HistogramCount("omni.normalize.duration", (OmniTelemetry.OutcomeTag, "quarantined")));
        var refusedSpan = Assert.Single(_spans.Snapshot(), s => s.OperationName == OmniTelemetry.IngestSpan && Equals(s.GetTagItem(OmniTelemetry.HttpStatusTag), 401));
        Assert.Null(refusedSpan.GetTagItem(OmniTelemetry.IngestIdTag));
    }

    [Fact]
    public async Task WorkflowStep_Helper_StartsATaggedSpanAndCountsOutcomes()
    {
        StartCollecting();
        using (var step = OmniTelemetry.StartWorkflowStep("reply-direct-text", "route", "route.agent.default", "evt_demo_x"))
        {
            Assert.NotNull(step);
            OmniTelemetry.RecordActionOutcome("route.agent.default", "evolution", "succeeded");
        }

        var span = Assert.Single(_spans.Snapshot(), s => s.OperationName == OmniTelemetry.WorkflowStepSpan);
        Assert.Equal("route", span.GetTagItem(OmniTelemetry.StepTag));
        Assert.Equal("route.agent.default", span.GetTagItem(OmniTelemetry.ActionTag));
        Assert.Equal("evt_demo_x", span.GetTagItem(OmniTelemetry.EventIdTag));
        FlushMetrics();
        Assert.Equal(1, Sum("omni.actions.outcomes",
            (OmniTelemetry.ActionTag, "route.agent.default"), (OmniTelemetry.ProviderTag, "evolution"), (OmniTelemetry.OutcomeTag, "succeeded")));
    }

    [Fact]
    public void LocalTelemetry_ConsoleFlag_RegistersExportingProviders()
    {
        using var app = OmniLocalApp.Build(["--telemetry", "console"]);
        Assert.NotNull(app.Services.GetService(typeof(TracerProvider)));
        Assert.NotNull(app.Services.GetService(typeof(MeterProvider)));

        using var quiet = OmniLocalApp.Build([]);
        Assert.Null(quiet.Services.GetService(typeof(TracerProvider)));
    }

    [Fact]
    public void LocalTelemetry_UnknownMode_RefusesToStart()
    {
        var e = Assert.Throws<InvalidOperationException>(() => OmniLocalApp.Build(["--telemetry", "jaeger"]));
        Assert.Contains("'console'", e.Message, StringComparison.Ordinal);
    }

    private const string ApiKey = "SECRET-API-KEY-123";
    private const string WebhookSecret = "SECRET-WEBHOOK-456";
    private const string WrongSecret = "SECRET-WRONG-789";

    [Fact]
    public async Task Logs_AtTraceLevel_NeverContainTheApiKeyOrAnySecret()
    {
        StartCollecting();
        var logs = new CapturingLoggerProvider();
        await using (var host = await OmniHost.StartAsync(azurite, settings: new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:System"] = "Trace",
            [$"Omni:Instances:{OmniHost.Instance}:WebhookSecret"] = WebhookSecret,
        }, configure: builder => builder.Logging.AddProvider(logs)))
        {
            await PostAsync(host, WithApiKey(EvolutionPayloads.Text("3EB0SECRETS00001", "hello")), WebhookSecret, HttpStatusCode.Accepted);
            await PostAsync(host, Encoding.UTF8.GetBytes($$"""{"event": "some.future.event", "instance": "demo", "data": {"x": 1}, "apikey": "{{ApiKey}}"}"""),
                WebhookSecret, HttpStatusCode.Accepted);
            await PostAsync(host, Encoding.UTF8.GetBytes($$"""{"apikey": "{{ApiKey}}", broken"""), WebhookSecret, HttpStatusCode.Accepted);
            await PostAsync(host, WithApiKey(EvolutionPayloads.Text("3EB0SECRETS00002", "nope")), WrongSecret, HttpStatusCode.Unauthorized);
            await OmniHost.EventuallyAsync(() => host.ListEventsAsync(), e => e.Count == 2, "two events");
            await OmniHost.EventuallyAsync(() => host.ListDeadLettersAsync(), d => d.Count == 1, "one dead letter");

            // The query key in the query string (?code=) is the one a request log could pick up.
            using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress };
            using var page = await anonymous.GetAsync($"/api/events?instance={OmniHost.Instance}&code={OmniHost.QueryKey}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);

            // The raw payload as an agent reads it: the credential is redacted in the answer, and nothing logs it either.
            var eventId = (await host.ListEventsAsync())[0].GetProperty("event_id").GetString();
            using var agent = new HttpClient { BaseAddress = host.Client.BaseAddress };
            agent.DefaultRequestHeaders.Add("x-functions-key", OmniHost.AgentKey);
            var raw = await agent.GetStringAsync($"/api/events/{eventId}/raw");
            Assert.DoesNotContain(ApiKey, raw, StringComparison.Ordinal);
        }

        var entries = logs.Entries;
        Assert.Contains(entries, e => e.Contains("/api/webhooks/evolution/demo", StringComparison.Ordinal)); // request logs were captured
        Assert.Contains(entries, e => e.StartsWith("[Trace]", StringComparison.Ordinal));
        string[] secrets = [ApiKey, WebhookSecret, WrongSecret, OmniHost.QueryKey, OmniHost.AgentKey];
        var leaked = entries.Where(e => secrets.Any(s => e.Contains(s, StringComparison.Ordinal))).ToList();
        Assert.True(leaked.Count == 0, "secrets in the logs:\n" + string.Join("\n", leaked));

        // Nor in any span the host exported (the request spans' URLs included).
        var tags = _spans.Snapshot().SelectMany(s => s.TagObjects.Select(t => $"{s.OperationName} {t.Key}={t.Value}").Append(s.DisplayName)).ToList();
        Assert.Contains(tags, t => t.StartsWith(OmniTelemetry.IngestSpan, StringComparison.Ordinal));
        Assert.DoesNotContain(tags, t => secrets.Any(s => t.Contains(s, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Events_FromPayloadsWithAnApiKey_NeverReturnIt()
    {
        await using var host = await OmniHost.StartAsync(azurite);
        await host.IngestAsync(WithApiKey(EvolutionPayloads.Text("3EB0SECRETS00003", "hello")));
        await host.IngestAsync(Encoding.UTF8.GetBytes($$"""{"event": "some.future.event", "instance": "demo", "data": {"x": 1}, "apikey": "{{ApiKey}}"}"""));
        await host.IngestAsync(Encoding.UTF8.GetBytes($$"""{"event": "messages.upsert", "instance": "demo", "data": [], "apikey": "{{ApiKey}}"}"""));
        var events = await OmniHost.EventuallyAsync(() => host.ListEventsAsync(), e => e.Count >= 2, "the events");

        using var list = await host.Client.GetAsync($"/api/events?instance={OmniHost.Instance}");
        Assert.DoesNotContain(ApiKey, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var e in events)
        {
            using var one = await host.Client.GetAsync($"/api/events/{e.GetProperty("event_id").GetString()}");
            var text = await one.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, one.StatusCode);
            Assert.DoesNotContain(ApiKey, text, StringComparison.Ordinal);
        }

        Assert.Contains(events, e => e.GetProperty("event_kind").GetString() == "unknown"); // the whole-envelope path was exercised
    }

    private static byte[] WithApiKey(byte[] payload)
    {
        var node = JsonNode.Parse(payload)!.AsObject();
        node["apikey"] = ApiKey;
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private static async Task PostAsync(OmniHost host, byte[] body, string secret, HttpStatusCode expected)
    {
        using var response = await host.PostWebhookAsync(body, secret: secret);
        Assert.Equal(expected, response.StatusCode);
    }

    private void StartCollecting()
    {
        // The sources Omni.Local exports (Omni, and ASP.NET Core's request span that omni.ingest sits under).
        _spanTracer = Sdk.CreateTracerProviderBuilder().AddSource(Telemetry.LocalTelemetry.TraceSources).AddInMemoryExporter(_spans).Build();
        _meter = Sdk.CreateMeterProviderBuilder().AddMeter(OmniTelemetry.Name).AddInMemoryExporter(_metrics).Build();
    }

    private Task<Activity> NormalizeSpanAsync(string ingestId) =>
        OmniHost.EventuallyAsync(
            () => Task.FromResult(_spans.Snapshot().FirstOrDefault(s => s.OperationName == OmniTelemetry.NormalizeSpan && Equals(s.GetTagItem(OmniTelemetry.IngestIdTag), ingestId))),
            s => s is not null, $"the omni.normalize span of {ingestId}")!;

    private void FlushMetrics()
    {
        _metrics.Clear();
        Assert.True(_meter!.ForceFlush());
    }

    private IEnumerable<MetricPoint> Points(string name, (string Key, object Value)[] tags)
    {
        var metric = _metrics.LastOrDefault(m => m.Name == name);
        if (metric is null)
        {
            return [];
        }

        return metric.MetricPoints.Where(p =>
        {
            var pointTags = new Dictionary<string, object?>();
            foreach (var tag in p.Tags)
            {
                pointTags[tag.Key] = tag.Value;
            }

            return tags.All(t => pointTags.TryGetValue(t.Key, out var v) && Equals(v, t.Value));
        });
    }

    private long Sum(string name, params (string Key, object Value)[] tags) => Points(name, tags).Sum(p => p.GetSumLong());

    private long HistogramCount(string name, params (string Key, object Value)[] tags) => Points(name, tags).Sum(p => p.GetHistogramCount());

    /// <summary>The exporter adds from the threads that end spans while the test reads: a locked list.</summary>
    private sealed class SpanList : Collection<Activity>
    {
        private readonly Lock _gate = new();

        public Activity[] Snapshot()
        {
            lock (_gate)
            {
                return [.. Items];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (_gate)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
