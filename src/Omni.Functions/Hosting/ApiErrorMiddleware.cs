using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Omni.Services.Http;

namespace Omni.Functions.Hosting;

/// <summary>
/// The Functions twin of Omni.Local's exception handler: an HTTP function that throws answers with
/// <see cref="ApiError"/> (400 for a bad request, else 500) instead of the host's empty 500. Every other trigger's
/// exception passes through untouched, so the queue trigger still retries and poisons.
/// </summary>
internal sealed class ApiErrorMiddleware(ILogger<ApiErrorMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        // Set by the ASP.NET Core integration for HTTP triggers only (its middleware runs before this one).
        if (context.GetHttpContext() is not { } httpContext)
        {
            await next(context);
            return;
        }

        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (httpContext.RequestAborted.IsCancellationRequested)
        {
            // The caller hung up: there is nobody left to answer.
        }
#pragma warning disable CA1031 // The whole point: no exception leaves an HTTP function without Omni's error shape.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogError(ex, "HTTP function {Function} failed", context.FunctionDefinition.Name);

            // The integration executes an IResult invocation result onto the response once this middleware returns.
            context.GetInvocationResult().Value = ex is BadHttpRequestException bad
                ? ApiError.Create(bad.StatusCode, "bad_request", bad.Message)
                : ApiError.Create(StatusCodes.Status500InternalServerError, "internal", "an unexpected error occurred; it has been logged");
        }
    }
}
