using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.ApplicationInsights.Metrics;
using Microsoft.Extensions.Hosting;
using Omni.Services.Telemetry;

namespace Omni.Functions.Hosting;

/// <summary>
/// Sends Omni's spans and metrics (<see cref="OmniTelemetry"/>) to Application Insights. The Application Insights SDK
/// 2.x that the Functions worker integration requires does not listen to <see cref="ActivitySource"/>s or
/// <see cref="Meter"/>s, and the OpenTelemetry route (Functions' OpenTelemetry worker package with the Azure Monitor
/// exporter) is not on our package source, so this listens with the BCL's own listeners and uses documented
/// <see cref="TelemetryClient"/> calls: each <c>Omni</c> span becomes an in-process dependency in the invocation's
/// operation (same trace id), and each measurement goes to a pre-aggregated metric (<c>GetMetric</c>) whose
/// dimensions are the measurement's tags.
/// </summary>
internal sealed class ApplicationInsightsBridge(TelemetryClient client) : IHostedService, IDisposable
{
    private ActivityListener? _activities;
    private MeterListener? _meters;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == OmniTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = TrackSpan,
        };
        ActivitySource.AddActivityListener(_activities);

        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == OmniTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => TrackMeasurement(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => TrackMeasurement(instrument, value, tags));
        _meters.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _activities?.Dispose();
        _meters?.Dispose();
        _activities = null;
        _meters = null;
    }

    private void TrackSpan(Activity activity)
    {
        var dependency = new DependencyTelemetry
        {
            Name = activity.DisplayName,
            Type = "InProc",
            Id = activity.SpanId.ToHexString(),
            Timestamp = activity.StartTimeUtc,
            Duration = activity.Duration,
            Success = activity.Status != ActivityStatusCode.Error,
        };
        dependency.Context.Operation.Id = activity.TraceId.ToHexString();
        if (activity.ParentSpanId != default)
        {
            dependency.Context.Operation.ParentId = activity.ParentSpanId.ToHexString();
        }

        foreach (var (key, value) in activity.TagObjects)
        {
            dependency.Properties[key] = Convert.ToString(value, CultureInfo.InvariantCulture);
        }

        client.TrackDependency(dependency);
    }

    private void TrackMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Dimensions in a fixed (sorted) order, so one instrument with one tag set is one metric series.
        var sorted = tags.ToArray();
        Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var names = sorted.Select(t => t.Key).ToArray();
        var values = sorted.Select(t => Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? "").ToArray();
        var metric = client.GetMetric(new MetricIdentifier(MetricIdentifier.DefaultMetricNamespace, instrument.Name, names));
        if (metric.TryGetDataSeries(out var series, createIfNotExists: true, values))
        {
            series.TrackValue(value);
        }
    }
}
