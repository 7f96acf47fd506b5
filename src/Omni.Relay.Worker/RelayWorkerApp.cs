using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using Omni.Relay;
using Omni.Relay.Hosting;

namespace Omni.Relay.Worker;

/// <summary>
/// Builds the relay's production host: the relay itself (<c>AddOmniRelay</c>), its metrics exported over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and <c>GET /healthz</c>: 200 healthy or degraded, 503 unhealthy, with each
/// instance's buffer depth, capacity, oldest frame age and shard states as JSON. Refuses to start with no Discord
/// instance to relay: a worker that relays nothing is a configuration mistake.
/// </summary>
public static class RelayWorkerApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (!builder.Services.AddOmniRelay(builder.Configuration))
        {
            throw new InvalidOperationException(
                "No Discord instance to relay: set Omni:Instances:<name>:Provider=discord and Omni:Instances:<name>:BotToken (and WebhookSecret).");
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry()
                .WithMetrics(metrics => metrics.AddMeter(RelayMetrics.MeterName).AddOtlpExporter());
        }

        var app = builder.Build();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = WriteHealthAsync });
        app.MapGet("/", () => Results.Text("omni discord relay; health at /healthz"));
        return app;
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["status"] = report.Status.ToString().ToLowerInvariant(),
            ["checks"] = report.Entries.ToDictionary(
                e => e.Key,
                e => new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["status"] = e.Value.Status.ToString().ToLowerInvariant(),
                    ["description"] = e.Value.Description,
                    ["instances"] = e.Value.Data,
                },
                StringComparer.Ordinal),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
