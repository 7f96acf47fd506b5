// STUB of package Microsoft.Azure.Functions.Worker.Core (dependency of Microsoft.Azure.Functions.Worker 2.51.0),
// checked against Azure/azure-functions-dotnet-worker:
//   FunctionContext                           src/DotNetWorker.Core/Context/FunctionContext.cs (55452699)
//   FunctionDefinition                        src/DotNetWorker.Core/Definition/FunctionDefinition.cs (2c0f4143)
//   FunctionContextBindingFeatureExtensions   src/DotNetWorker.Core/Context/FunctionContextBindingFeatureExtensions.cs (07d5116c)
//   InvocationResult, InvocationResult<T>     src/DotNetWorker.Core/OutputBindings/InvocationResult.cs (the abstract
//                                             form of 2.x; in the index without its commit)
//   IFunctionsWorkerMiddleware                src/DotNetWorker.Core/Pipeline/IFunctionsWorkerMiddleware.cs (in the
//                                             index without its commit)
//   FunctionExecutionDelegate                 src/DotNetWorker.Core/Pipeline/FunctionExecutionDelegate.cs (40368c00)
//   IFunctionsWorkerApplicationBuilder        src/DotNetWorker.Core/Hosting/IFunctionsWorkerApplicationBuilder.cs (8534c224)
//   MiddlewareWorkerApplicationBuilderExtensions
//                                             src/DotNetWorker.Core/Hosting/WorkerMiddlewareWorkerApplicationBuilderExtensions.cs (282369b9)
//   RetryContext                              src/DotNetWorker.Core/Context/RetryContext.cs (6017badf); no member is
//                                             used, but its name is: with Microsoft.DurableTask imported as well, a
//                                             bare `RetryContext` is ambiguous in the real build (WorkflowOrchestrator
//                                             aliases Durable's for that reason), and so it must be here too
//   FunctionAttribute                         public API of Microsoft.Azure.Functions.Worker (ctor(string name), Name);
//                                             its source file is not in the index (so: unsealed, as not known)
// Only the members Omni.Functions uses. Compile-time stand-in only: see src/Omni.Functions/README.md.

using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Microsoft.Azure.Functions.Worker
{
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public class FunctionAttribute : Attribute
    {
        public FunctionAttribute(string name) => throw new NotImplementedException();

        public string Name => throw new NotImplementedException();
    }

    public abstract class FunctionContext
    {
        public abstract FunctionDefinition FunctionDefinition { get; }
    }

    public abstract class FunctionDefinition
    {
        public abstract string Name { get; }
    }

    public abstract class RetryContext
    {
    }

    public abstract class InvocationResult : InvocationResult<object>
    {
    }

    public abstract class InvocationResult<T>
    {
        public abstract T? Value { get; set; }
    }

    public static class FunctionContextBindingFeatureExtensions
    {
        public static InvocationResult GetInvocationResult(this FunctionContext context) => throw new NotImplementedException();

        public static InvocationResult<T> GetInvocationResult<T>(this FunctionContext context) => throw new NotImplementedException();
    }

    public interface IFunctionsWorkerApplicationBuilder
    {
        Microsoft.Extensions.DependencyInjection.IServiceCollection Services { get; }

        IFunctionsWorkerApplicationBuilder Use(Func<FunctionExecutionDelegate, FunctionExecutionDelegate> middleware);
    }
}

namespace Microsoft.Azure.Functions.Worker.Middleware
{
    public delegate Task FunctionExecutionDelegate(FunctionContext context);

    public interface IFunctionsWorkerMiddleware
    {
        Task Invoke(FunctionContext context, FunctionExecutionDelegate next);
    }
}

namespace Microsoft.Extensions.Hosting
{
    public static class MiddlewareWorkerApplicationBuilderExtensions
    {
        public static IFunctionsWorkerApplicationBuilder UseMiddleware<T>(this IFunctionsWorkerApplicationBuilder builder)
            where T : class, IFunctionsWorkerMiddleware => throw new NotImplementedException();

        public static IFunctionsWorkerApplicationBuilder UseMiddleware(
            this IFunctionsWorkerApplicationBuilder builder, Func<FunctionContext, Func<Task>, Task> middleware) =>
            throw new NotImplementedException();
    }
}
