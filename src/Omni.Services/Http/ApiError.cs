using Microsoft.AspNetCore.Http;
using Omni.Engine.Json;

namespace Omni.Services.Http;

/// <summary>The one error shape of every Omni API: <c>{"error": {"code", "message", "details"}}</c>.</summary>
public static class ApiError
{
    public static IResult Create(int status, string code, string message, object? details = null) =>
        Results.Json(new ErrorBody(new ErrorContent(code, message, details)), OmniJson.Options, statusCode: status);

    public static IResult BadRequest(string message, object? details = null) => Create(StatusCodes.Status400BadRequest, "bad_request", message, details);

    public static IResult Unauthorized(string message) => Create(StatusCodes.Status401Unauthorized, "unauthorized", message);

    public static IResult Forbidden(string message) => Create(StatusCodes.Status403Forbidden, "forbidden", message);

    public static IResult NotFound(string message) => Create(StatusCodes.Status404NotFound, "not_found", message);

    public static IResult Conflict(string message) => Create(StatusCodes.Status409Conflict, "conflict", message);

    public static IResult TooLarge(string message) => Create(StatusCodes.Status413PayloadTooLarge, "payload_too_large", message);

    private sealed record ErrorBody(ErrorContent Error);

    private sealed record ErrorContent(string Code, string Message, object? Details);
}
