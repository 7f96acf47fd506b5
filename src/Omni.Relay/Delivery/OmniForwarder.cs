using System.Net;
using Microsoft.Extensions.Logging;
using Omni.Relay.Gateway;

namespace Omni.Relay.Delivery;

/// <summary>
/// Drains one instance's <see cref="FrameBuffer"/> into Omni, oldest first, one frame at a time:
/// <c>POST {OmniBaseUrl}/api/webhooks/discord/{instance}</c> with the frame's bytes and fresh Standard Webhooks headers
/// (the id stays, the timestamp and signature are new on every attempt so a long outage never makes them stale).
/// <list type="bullet">
/// <item>2xx: accepted, the frame leaves the buffer;</item>
/// <item>unreachable, timeout, 5xx, 408, 429, and 401/403/404 (a secret or instance not configured yet: fixing the
/// settings fixes every frame): retried with bounded backoff, the frame stays first;</item>
/// <item>any other 4xx (the frame itself is refused, e.g. 413): moved to <c>rejected/</c> and counted, so one bad
/// frame cannot stop the others; nothing is deleted.</item>
/// </list>
/// </summary>
public sealed class OmniForwarder
{
    private readonly string _instance;
    private readonly FrameBuffer _buffer;
    private readonly StandardWebhookSigner _signer;
    private readonly HttpClient _http;
    private readonly Uri _target;
    private readonly RelayOptions _options;
    private readonly RelayMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public OmniForwarder(
        string instance,
        FrameBuffer buffer,
        StandardWebhookSigner signer,
        HttpClient http,
        RelayOptions options,
        RelayMetrics metrics,
        TimeProvider time,
        ILogger logger)
    {
        _instance = instance;
        _buffer = buffer;
        _signer = signer;
        _http = http;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        var baseUrl = options.OmniBaseUrl ?? throw new InvalidOperationException("Omni:Relay:OmniBaseUrl is not set.");
        _target = new Uri(baseUrl, $"api/webhooks/discord/{Uri.EscapeDataString(instance)}");
    }

    /// <summary>Whether the last attempt reached Omni and was accepted (health).</summary>
    public bool LastAttemptFailed { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var frame = await _buffer.PeekAsync(cancellationToken).ConfigureAwait(false);
            Outcome outcome;
            try
            {
                outcome = await DeliverAsync(frame, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                // The frame file could not be read (disk trouble): keep it and try again later rather than stop forwarding.
                _logger.LogError(e, "Reading buffered frame {WebhookId} of {Instance} failed; retrying", frame.WebhookId, _instance);
                outcome = Outcome.Retry;
            }

            switch (outcome)
            {
                case Outcome.Accepted:
                    _buffer.Remove(frame);
                    _metrics.Delivered(_instance);
                    LastAttemptFailed = false;
                    attempt = 0;
                    break;
                case Outcome.Rejected:
                    _buffer.Reject(frame);
                    _metrics.Rejected(_instance);
                    LastAttemptFailed = false;
                    attempt = 0;
                    break;
                default:
                    cancellationToken.ThrowIfCancellationRequested();
                    _metrics.Retried(_instance);
                    LastAttemptFailed = true;
                    var delay = Backoff.Delay(attempt++, _options.DeliveryMinDelay, _options.DeliveryMaxDelay, Random.Shared.NextDouble());
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task<Outcome> DeliverAsync(BufferedFrame frame, CancellationToken cancellationToken)
    {
        var body = FrameBuffer.Read(frame);
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, _target) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation(StandardWebhookSigner.IdHeader, frame.WebhookId);
        request.Headers.TryAddWithoutValidation(StandardWebhookSigner.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(StandardWebhookSigner.SignatureHeader, _signer.Sign(frame.WebhookId, timestamp, body));
        // Not linked to the stopping token: a delivery in flight when the relay stops gets a short grace to finish, so that
        // a frame Omni accepted is not left in the buffer to be sent again (harmless, same webhook id, but avoidable).
        using var timeout = new CancellationTokenSource(_options.DeliveryTimeout);
        using var grace = cancellationToken.Register(() => timeout.CancelAfter(ShutdownGrace));
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return Outcome.Accepted;
            }

            if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
                or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
            {
                _logger.LogWarning("Omni answered {Status} to frame {WebhookId} of {Instance}; retrying", status, frame.WebhookId, _instance);
                return Outcome.Retry;
            }

            _logger.LogError("Omni refused frame {WebhookId} of {Instance} with {Status}; kept in rejected/", frame.WebhookId, _instance, status);
            return Outcome.Rejected;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            _logger.LogWarning("Omni unreachable for frame {WebhookId} of {Instance} ({Error}); retrying", frame.WebhookId, _instance, e.GetType().Name);
            return Outcome.Retry;
        }
    }

    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(2);

    private enum Outcome
    {
        Accepted,
        Retry,
        Rejected,
    }
}
