// STUB of package Microsoft.Azure.Functions.Worker 2.51.0, checked against Azure/azure-functions-dotnet-worker:
//   FunctionsApplication         src/DotNetWorker/Builder/FunctionsApplication.cs (65c6ad17)
//   FunctionsApplicationBuilder  src/DotNetWorker/Builder/FunctionsApplicationBuilder.cs (146abd88)
// The builder implements IHostApplicationBuilder (all of it, as the interface demands) and
// IFunctionsWorkerApplicationBuilder. Compile-time stand-in only: see src/Omni.Functions/README.md.

using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Azure.Functions.Worker.Builder;

public class FunctionsApplication
{
    public static FunctionsApplicationBuilder CreateBuilder(string[] args) => throw new NotImplementedException();
}

public class FunctionsApplicationBuilder : IHostApplicationBuilder, IFunctionsWorkerApplicationBuilder
{
    internal FunctionsApplicationBuilder(string[]? args) => throw new NotImplementedException();

    public IDictionary<object, object> Properties => throw new NotImplementedException();

    IConfigurationManager IHostApplicationBuilder.Configuration => throw new NotImplementedException();

    public ConfigurationManager Configuration => throw new NotImplementedException();

    public IHostEnvironment Environment => throw new NotImplementedException();

    public ILoggingBuilder Logging => throw new NotImplementedException();

    public IMetricsBuilder Metrics => throw new NotImplementedException();

    public IServiceCollection Services => throw new NotImplementedException();

    public IHost Build() => throw new NotImplementedException();

    public void ConfigureContainer<TContainerBuilder>(IServiceProviderFactory<TContainerBuilder> factory, Action<TContainerBuilder>? configure = null)
        where TContainerBuilder : notnull => throw new NotImplementedException();

    public IFunctionsWorkerApplicationBuilder Use(Func<FunctionExecutionDelegate, FunctionExecutionDelegate> middleware) =>
        throw new NotImplementedException();
}
