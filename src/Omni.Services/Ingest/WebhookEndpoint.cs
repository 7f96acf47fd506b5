using Microsoft.AspNetCore.Http;
using Omni.Engine.Webhooks;
using Omni.Services.Configuration;
using Omni.Services.Http;
using Omni.Services.Connections;
using Omni.Services.Normalize;
using Omni.Services.Telemetry;

namespace Omni.Services.Ingest;

/// <summary>
/// <c>POST /api/webhooks/{provider}/{instance}</c>: find the instance, authenticate the caller (headers first, then the
/// raw body: the provider's <see cref="IWebhookVerifier"/>), bound the body, answer a handshake or archive and enqueue,
/// answer 202. Every refusal happens before anything is written.
/// </summary>
public sealed class WebhookEndpoint(
    OmniOptions options, NormalizerRegistry normalizers, IEnumerable<IWebhookVerifier> verifiers, IngestService ingest, TimeProvider time)
{
    private readonly Dictionary<string, IWebhookVerifier> _verifiers = verifiers.ToDictionary(v => v.Provider, StringComparer.Ordinal);

    public async Task<IResult> HandleAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (request, provider, instance, cancellationToken) = (call.Request, call.Route("provider"), call.Route("instance"), call.Cancellation);
        // The omni.ingest span and omni.webhooks.received counter; ids and status only, never headers or the body.
        using var activity = OmniTelemetry.StartIngest(provider, instance);
        try
        {
            var result = await AcceptAsync(request, provider, instance, cancellationToken);
            OmniTelemetry.RecordWebhook(activity, provider, (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK);
            return result;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            OmniTelemetry.RecordWebhook(activity, provider, StatusCodes.Status500InternalServerError);
            throw;
        }
    }

    private async Task<IResult> AcceptAsync(HttpRequest request, string provider, string instance, CancellationToken cancellationToken)
    {
        if (!options.Instances.TryGetValue(instance, out var config) ||
            !string.Equals(config.Provider, provider, StringComparison.Ordinal) ||
            !normalizers.Supports(provider) ||
            !_verifiers.TryGetValue(provider, out var verifier))
        {
            return ApiError.NotFound($"no {Shorten(provider)} instance named '{Shorten(instance)}' is configured");
        }

        var auth = verifier.CheckHeaders(config, request.Headers, time.GetUtcNow());
        if (!auth.IsAuthenticated)
        {
            return ApiError.Unauthorized(auth.Reason);
        }

        var limit = options.Ingest.MaxBodyBytes;
        if (request.ContentLength > limit)
        {
            return TooLarge(limit);
        }

        var body = await BoundedBody.ReadAsync(request.Body, limit, cancellationToken, request.ContentLength);
        if (body is null)
        {
            return TooLarge(limit);
        }

        auth = verifier.CheckBody(config, request.Headers, body.ToMemory().Span, time.GetUtcNow());
        if (!auth.IsAuthenticated)
        {
            return ApiError.Unauthorized(auth.Reason);
        }

        var handshake = verifier.Handshake(config, body.ToMemory().Span);
        if (handshake is { Archive: false })
        {
            return Answer(handshake);
        }

        var accepted = await ingest.AcceptAsync(provider, instance, body, request.ContentType, cancellationToken, verifier.DeliveryId(request.Headers));
        return handshake is null
            ? Results.Json(new { ingest_id = accepted.IngestId }, statusCode: StatusCodes.Status202Accepted)
            : Answer(handshake);
    }

    /// <summary>The handshake's answer; a 204 carries no body (Discord's Webhook Events expect exactly that).</summary>
    private static IResult Answer(WebhookHandshake handshake) =>
        handshake.StatusCode == StatusCodes.Status204NoContent
            ? Results.NoContent()
            : Results.Json(handshake.Body, statusCode: handshake.StatusCode);

    private static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "…";

    private static IResult TooLarge(long limit) => ApiError.TooLarge($"the body exceeds the {limit} byte limit");
}
