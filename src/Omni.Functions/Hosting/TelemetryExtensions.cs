using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Omni.Services.Telemetry;

namespace Omni.Functions.Hosting;

public static class TelemetryExtensions
{
    private const string ApplicationInsightsLoggerProvider = "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider";

    /// <summary>
    /// Application Insights from the worker: the SDK (reads APPLICATIONINSIGHTS_CONNECTION_STRING) plus the Functions
    /// integration (reads APPLICATIONINSIGHTS_AUTHENTICATION_STRING, so ingestion works with local auth disabled);
    /// Omni's own spans and metrics forwarded to it (<see cref="ApplicationInsightsBridge"/>); and the request log
    /// that would print <c>?code=</c> query keys held back (<see cref="LogSafety"/>).
    /// </summary>
    public static FunctionsApplicationBuilder AddOmniTelemetry(this FunctionsApplicationBuilder builder)
    {
        builder.Services
            .AddApplicationInsightsTelemetryWorkerService()
            .ConfigureFunctionsApplicationInsights();

        // The SDK adds a rule that keeps only Warning and above for its logger; drop it so the Logging settings decide.
        builder.Logging.Services.Configure<LoggerFilterOptions>(options =>
        {
            var rule = options.Rules.FirstOrDefault(r => r.ProviderName == ApplicationInsightsLoggerProvider);
            if (rule is not null)
            {
                options.Rules.Remove(rule);
            }
        });

        builder.Services.AddHostedService<ApplicationInsightsBridge>();
        builder.Logging.AddOmniLogSafety();
        return builder;
    }
}
