// STUB of package Microsoft.Azure.Functions.Worker.ApplicationInsights 2.50.0, checked against
// Azure/azure-functions-dotnet-worker:
//   FunctionsApplicationInsightsExtensions  src/DotNetWorker.ApplicationInsights/FunctionsApplicationInsightsExtensions.cs
//                                           (68f0f66e; its csproj at 4c7dde13 says 2.50.0)
// Compile-time stand-in only: see src/Omni.Functions/README.md.

using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Azure.Functions.Worker;

public static class FunctionsApplicationInsightsExtensions
{
    public static IServiceCollection ConfigureFunctionsApplicationInsights(this IServiceCollection services) =>
        throw new NotImplementedException();
}
