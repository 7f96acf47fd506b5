using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Omni.Services.Telemetry;

namespace Omni.Local.Telemetry;

/// <summary>
/// Exports the <c>Omni</c> spans and metrics when asked: <c>--telemetry console</c> prints them to the console, and
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (with the other standard <c>OTEL_*</c> variables) sends traces, metrics and
/// logs to an OpenTelemetry collector. Neither: nothing is collected, and the instruments cost next to nothing.
/// </summary>
public static class LocalTelemetry
{
    public const string Setting = "telemetry";
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Omni's spans, and ASP.NET Core's request span above <c>omni.ingest</c>. Without the latter, ASP.NET Core still
    /// starts an (unrecorded) request activity, and the SDK's parent-based sampler would drop <c>omni.ingest</c> with it.
    /// </summary>
    public static readonly string[] TraceSources = [OmniTelemetry.Name, "Microsoft.AspNetCore"];

    public static WebApplicationBuilder AddOmniLocalTelemetry(this WebApplicationBuilder builder)
    {
        var mode = builder.Configuration[Setting];
        var console = mode switch
        {
            null or "" or "none" => false,
            "console" => true,
            _ => throw new InvalidOperationException($"--telemetry {mode}: the choices are 'console' and 'none'."),
        };
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointSetting]);
        if (!console && !otlp)
        {
            return builder;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("omni-local"))
            .WithTracing(tracing => tracing.AddSource(TraceSources))
            .WithMetrics(metrics => metrics.AddMeter(OmniTelemetry.Name, Omni.Relay.RelayMetrics.MeterName));
        if (console)
        {
            telemetry.WithTracing(tracing => tracing.AddConsoleExporter()).WithMetrics(metrics => metrics.AddConsoleExporter());
        }

        if (otlp)
        {
            telemetry.UseOtlpExporter(); // traces, metrics and logs; endpoint, protocol and headers from OTEL_EXPORTER_OTLP_*
        }

        return builder;
    }
}
