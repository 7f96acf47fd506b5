// STUB of package Microsoft.ApplicationInsights.WorkerService 2.23.0, checked against microsoft/ApplicationInsights-dotnet:
//   ApplicationInsightsExtensions.AddApplicationInsightsTelemetryWorkerService(this IServiceCollection)
//       NETCORE/src/Microsoft.ApplicationInsights.WorkerService/ApplicationInsightsExtensions.cs (2.x branch; the
//       other overloads take an IConfiguration, options or an instrumentation key and are not used here)
// The SDK itself (TelemetryClient, DependencyTelemetry, metrics) is the real Microsoft.ApplicationInsights 2.23.0
// package, not a stub. Compile-time stand-in only: see src/Omni.Functions/README.md.

namespace Microsoft.Extensions.DependencyInjection;

public static class ApplicationInsightsExtensions
{
    public static IServiceCollection AddApplicationInsightsTelemetryWorkerService(this IServiceCollection services) =>
        throw new NotImplementedException();
}
