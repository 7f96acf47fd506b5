using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Http;

namespace Omni.Functions.Agents;

/// <summary>The wish endpoints. Each function is a route of <see cref="ApiRoutes"/> (same name, verb and template), run by <see cref="ApiDispatcher"/>.</summary>
public sealed class WishFunctions(ApiDispatcher api)
{
    [Function("Wish")]
    public Task<IResult> Wish([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "wish")] HttpRequest request) =>
        api.InvokeAsync("Wish", request);

    [Function("RunWishPlan")]
    public Task<IResult> RunWishPlan([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "wish/plan")] HttpRequest request) =>
        api.InvokeAsync("RunWishPlan", request);
}
