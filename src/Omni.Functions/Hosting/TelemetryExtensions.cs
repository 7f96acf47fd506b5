using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Omni.Functions.Hosting;

public static class TelemetryExtensions
{
    private const string ApplicationInsightsLoggerProvider = "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider";

    /// <summary>
    /// Application Insights from the worker: the SDK (reads APPLICATIONINSIGHTS_CONNECTION_STRING) plus the Functions
    /// integration (reads APPLICATIONINSIGHTS_AUTHENTICATION_STRING, so ingestion works with local auth disabled).
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

        return builder;
    }
}
