using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Omni.Engine.Webhooks;

namespace Omni.Relay.Tests.Support;

/// <summary>
/// Stands in for Omni's <c>POST /api/webhooks/discord/{instance}</c>: verifies every delivery with the engine's
/// <see cref="StandardWebhooksAuthentication"/> (401 when it fails), answers 503 while <see cref="Down"/>, and records
/// what it accepted (webhook id and body bytes).
/// </summary>
public sealed class FakeOmni : IAsyncDisposable
{
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private readonly WebApplication _app;

    private FakeOmni(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>While true every delivery is answered 503 (Omni down).</summary>
    private volatile bool _down;
    private int _refused;
    private int _unauthorized;

    public bool Down
    {
        get => _down;
        set => _down = value;
    }

    public int Refused => Volatile.Read(ref _refused);

    public int Unauthorized => Volatile.Read(ref _unauthorized);

    public ConcurrentQueue<Delivery> Accepted { get; } = new();

    public static async Task<FakeOmni> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var omni = new FakeOmni(app);
        app.MapPost("/api/webhooks/discord/{instance}", omni.HandleAsync);
        await app.StartAsync();
        omni.BaseUrl = new Uri(app.Urls.First() + "/");
        return omni;
    }

    private async Task<IResult> HandleAsync(string instance, HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        var bytes = body.ToArray();
        if (_down)
        {
            Interlocked.Increment(ref _refused);
            return Results.StatusCode(503);
        }

        var verdict = StandardWebhooksAuthentication.Verify(
            Secret,
            request.Headers[StandardWebhooksAuthentication.IdHeader],
            request.Headers[StandardWebhooksAuthentication.TimestampHeader],
            request.Headers[StandardWebhooksAuthentication.SignatureHeader],
            bytes,
            DateTimeOffset.UtcNow);
        if (!verdict.IsAuthenticated)
        {
            Interlocked.Increment(ref _unauthorized);
            return Results.StatusCode(401);
        }

        Accepted.Enqueue(new Delivery(instance, request.Headers[StandardWebhooksAuthentication.IdHeader].ToString(), bytes));
        return Results.StatusCode(202);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record Delivery(string Instance, string WebhookId, byte[] Body);
}
