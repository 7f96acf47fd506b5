using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Omni.Engine.Json;
using Omni.Services.Http;

namespace Omni.Services.Wish;

/// <summary>
/// <c>POST /api/wish</c> (plan with the configured model, run the plan, answer with evidence) and <c>POST /api/wish/plan</c>
/// (re-run a returned plan without the model). Both run with the caller's key; acting needs its <c>act</c> scope.
/// </summary>
public sealed class WishEndpoints(WishService wishes)
{
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary><c>POST /api/wish {"text", "instance"?, "dry_run"?}</c>.</summary>
    public async Task<IResult> WishAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (body, error) = await ReadAsync(call);
        if (error is not null)
        {
            return error;
        }

        if (Text(body, "text") is not { Length: > 0 and <= 2000 } text)
        {
            return ApiError.BadRequest("text is required: the wish, at most 2,000 characters");
        }

        return await AnswerAsync(() => wishes.AskAsync(call.Caller, new WishRequest(text, Text(body, "instance"), DryRun(body)), call.Cancellation));
    }

    /// <summary><c>POST /api/wish/plan {"plan": [{"tool", "arguments"}], "instance"?, "dry_run"?}</c>.</summary>
    public async Task<IResult> PlanAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (body, error) = await ReadAsync(call);
        if (error is not null)
        {
            return error;
        }

        if (!body.TryGetProperty("plan", out var plan) || plan.ValueKind != JsonValueKind.Array || plan.GetArrayLength() is 0 or > 50 ||
            plan.EnumerateArray().Any(p => p.ValueKind != JsonValueKind.Object || Text(p, "tool") is null))
        {
            return ApiError.BadRequest("plan must be an array of 1 to 50 calls, each {\"tool\": name, \"arguments\": {...}}");
        }

        var calls = plan.EnumerateArray().Select(p => new PlannedCall(Text(p, "tool")!, p.TryGetProperty("arguments", out var a) ? a.Clone() : default)).ToList();
        return await AnswerAsync(() => wishes.RunPlanAsync(call.Caller, calls, Text(body, "instance"), DryRun(body), call.Cancellation));
    }

    private static async Task<IResult> AnswerAsync(Func<Task<WishResult>> run)
    {
        try
        {
            return Results.Json(await run(), OmniJson.Options);
        }
        catch (WishException e)
        {
            // The model's failures (round_limit, model_failed) are a bad gateway; the reason and the plan so far are in details.
            var (status, code) = e.Code switch
            {
                "unavailable" => (StatusCodes.Status503ServiceUnavailable, e.Code),
                "forbidden" => (StatusCodes.Status403Forbidden, e.Code),
                "not_found" => (StatusCodes.Status404NotFound, e.Code),
                _ => (StatusCodes.Status502BadGateway, "bad_gateway"),
            };
            return ApiError.Create(status, code, e.Message, new { reason = e.Code, plan = e.Plan });
        }
    }

    private static async Task<(JsonElement Body, IResult? Error)> ReadAsync(ApiCall call)
    {
        var bytes = await BoundedBody.ReadAsync(call.Request.Body, MaxBodyBytes, call.Cancellation, call.Request.ContentLength);
        if (bytes is null)
        {
            return (default, ApiError.TooLarge($"the body exceeds {MaxBodyBytes} bytes"));
        }

        try
        {
            using var doc = JsonDocument.Parse(bytes.ToMemory());
            return doc.RootElement.ValueKind == JsonValueKind.Object ? (doc.RootElement.Clone(), null) : (default, ApiError.BadRequest("the body must be a JSON object"));
        }
        catch (JsonException)
        {
            return (default, ApiError.BadRequest("the body is not valid JSON"));
        }
    }

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool DryRun(JsonElement body) => body.TryGetProperty("dry_run", out var value) && value.ValueKind == JsonValueKind.True;
}
