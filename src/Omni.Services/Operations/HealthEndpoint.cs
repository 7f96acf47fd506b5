using Microsoft.AspNetCore.Http;
using Omni.Engine.Json;
using Omni.Services.Http;

namespace Omni.Services.Operations;

/// <summary>
/// <c>GET /api/health</c>: 200 <c>{"status": "healthy", ...}</c> or 503 <c>{"status": "unhealthy", "failing": [...]}</c>.
/// Anonymous, like a platform probe expects; the report holds no secret, instance name or storage address.
/// </summary>
public sealed class HealthEndpoint(HealthService health)
{
    public async Task<IResult> CheckAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var report = await health.CheckAsync(call.Cancellation);
        var status = report.Status == HealthService.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        return Results.Json(report, OmniJson.Options, statusCode: status);
    }
}
