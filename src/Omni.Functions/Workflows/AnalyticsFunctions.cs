using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Http;

namespace Omni.Functions.Workflows;

/// <summary>The analytics records <c>meta.analytics.log</c> writes. A route of <see cref="ApiRoutes"/> (same name, verb and template), run by <see cref="ApiDispatcher"/>.</summary>
public sealed class AnalyticsFunctions(ApiDispatcher api)
{
    [Function("ListAnalytics")]
    public Task<IResult> ListAnalytics([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics")] HttpRequest request) =>
        api.InvokeAsync("ListAnalytics", request);
}
