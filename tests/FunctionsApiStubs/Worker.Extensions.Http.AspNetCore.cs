// STUB of package Microsoft.Azure.Functions.Worker.Extensions.Http.AspNetCore 2.1.0, checked against
// Azure/azure-functions-dotnet-worker:
//   FunctionContextExtensions.GetHttpContext
//       extensions/Worker.Extensions.Http.AspNetCore/src/FunctionContext/FunctionContextExtensions.cs (2d078105)
//   FunctionsApplicationBuilderAspNetCoreExtensions.ConfigureFunctionsWebApplication (all three overloads)
//       extensions/Worker.Extensions.Http.AspNetCore/src/FunctionsApplicationBuilderAspNetCoreExtensions.cs (2aa0b8fa)
// Compile-time stand-in only: see src/Omni.Functions/README.md.

using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Azure.Functions.Worker
{
    public static class FunctionContextExtensions
    {
        /// <returns>The request's <see cref="HttpContext"/>, or null when the function is not an HTTP trigger.</returns>
        public static HttpContext? GetHttpContext(this FunctionContext context) => throw new NotImplementedException();
    }
}

namespace Microsoft.Azure.Functions.Worker.Builder
{
    public static class FunctionsApplicationBuilderAspNetCoreExtensions
    {
        public static FunctionsApplicationBuilder ConfigureFunctionsWebApplication(this FunctionsApplicationBuilder builder) =>
            throw new NotImplementedException();

        public static FunctionsApplicationBuilder ConfigureFunctionsWebApplication(
            this FunctionsApplicationBuilder builder, Action<IFunctionsWorkerApplicationBuilder> configureWorker) =>
            throw new NotImplementedException();

        public static FunctionsApplicationBuilder ConfigureFunctionsWebApplication(
            this FunctionsApplicationBuilder builder, Action<HostBuilderContext, IFunctionsWorkerApplicationBuilder> configureWorker) =>
            throw new NotImplementedException();
    }
}
