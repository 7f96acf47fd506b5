using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Omni.Relay.Tests.Support;

/// <summary>
/// A Discord gateway on loopback that behaves like the real one where the relay depends on it: HELLO on connect,
/// heartbeat ACKs (switchable), IDENTIFY → a new session and READY (with a <c>resume_gateway_url</c> pointing back
/// here), RESUME → the dispatches after the given sequence replayed, then RESUMED; an invalid session answers op 9.
/// Dispatches are numbered per session and kept, so what is dispatched while no socket is connected is replayed on
/// the next RESUME, exactly as Discord does. Tests script it: <see cref="DispatchAsync"/>, <see cref="DropAsync"/>,
/// <see cref="SendReconnectAsync"/>, <see cref="InvalidateSessionAsync"/>. Every frame it sent is kept byte for byte.
/// </summary>
public sealed class FakeGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, List<byte[]>> _sessions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _invalid = new(StringComparer.Ordinal);
    private string? _current;
    private WebSocket? _live;
    private int _sessionCounter;

    private FakeGateway(WebApplication app)
    {
        _app = app;
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>
    /// Sent in HELLO. Long by default so that a loaded test machine never delays an ACK past the next heartbeat (which the
    /// relay rightly treats as a zombie connection and resumes); the zombie test shortens it.
    /// </summary>
    public int HeartbeatIntervalMs { get; set; } = 2000;

    private volatile bool _ackHeartbeats = true;
    private int _connections;

    public bool AckHeartbeats
    {
        get => _ackHeartbeats;
        set => _ackHeartbeats = value;
    }

    /// <summary>Every payload the relay sent, as JSON text, in order.</summary>
    public ConcurrentQueue<string> FromClient { get; } = new();

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>The path and query of each connection (the relay must ask for v=10 and JSON).</summary>
    public ConcurrentQueue<string> ConnectionQueries { get; } = new();

    public IEnumerable<JsonElement> ClientPayloads(int op) =>
        FromClient.Select(p => JsonDocument.Parse(p).RootElement).Where(p => p.GetProperty("op").GetInt32() == op);

    public int Identifies => ClientPayloads(2).Count();

    public int Resumes => ClientPayloads(6).Count();

    public string? CurrentSession => _current;

    public bool IsConnected => _live is not null;

    /// <summary>The exact bytes of every dispatch sent in a session, by sequence (index 0 is s = 1).</summary>
    public IReadOnlyList<byte[]> SessionLog(string sessionId)
    {
        _gate.Wait();
        try
        {
            return [.. _sessions[sessionId]];
        }
        finally
        {
            _gate.Release();
        }
    }

    public static async Task<FakeGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var gateway = new FakeGateway(app);
        app.UseWebSockets();
        app.Run(gateway.HandleAsync);
        await app.StartAsync();
        var http = new Uri(app.Urls.First());
        gateway.Url = new Uri($"ws://{http.Authority}/");
        return gateway;
    }

    /// <summary>Dispatches an event in the current session (sent now if a socket is connected, else kept for the RESUME).</summary>
    public async Task<long> DispatchAsync(string type, string dataJson)
    {
        await _gate.WaitAsync();
        try
        {
            return await AppendAndSendAsync(_current ?? throw new InvalidOperationException("no session"), type, dataJson);
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task<long> MessageAsync(string channelId, string messageId, string guildId = "900") =>
        DispatchAsync("MESSAGE_CREATE",
            $$"""{"id":"{{messageId}}","channel_id":"{{channelId}}","guild_id":"{{guildId}}","content":"message {{messageId}}","author":{"id":"42","username":"someone"},"timestamp":"2026-12-05T08:00:00.000000+00:00"}""");

    /// <summary>Drops the connected socket without a close frame (a network failure).</summary>
    public async Task DropAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _live?.Abort();
            _live = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Op 7: asks the client to reconnect and resume.</summary>
    public Task SendReconnectAsync() => SendOpAsync("""{"op":7,"d":null}""");

    /// <summary>Op 9 with d = false: the session is gone; nothing of it will be replayed.</summary>
    public async Task InvalidateSessionAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_current is not null)
            {
                _invalid.Add(_current);
            }

            _current = null;
            if (_live is { } socket)
            {
                await SendAsync(socket, """{"op":9,"d":false}""");
            }

            _live = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the connected socket with a close code (e.g. 4004 authentication failed).</summary>
    public async Task CloseAsync(int code)
    {
        await _gate.WaitAsync();
        try
        {
            if (_live is { } socket)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await socket.CloseOutputAsync((WebSocketCloseStatus)code, "closed by the test", timeout.Token);
                }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException)
                {
                }
            }

            _live = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task SendOpAsync(string payload)
    {
        await _gate.WaitAsync();
        try
        {
            if (_live is { } socket)
            {
                await SendAsync(socket, payload);
            }

            _live = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        Interlocked.Increment(ref _connections);
        ConnectionQueries.Enqueue(context.Request.Path + context.Request.QueryString.Value);
        await _gate.WaitAsync();
        try
        {
            await SendAsync(socket, $$$"""{"op":10,"d":{"heartbeat_interval":{{{HeartbeatIntervalMs}}}}}""");
        }
        finally
        {
            _gate.Release();
        }

        var buffer = new byte[64 * 1024];
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent) // after CloseAsync: until the client has read the close
            {
                var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                var text = Encoding.UTF8.GetString(buffer, 0, result.Count);
                FromClient.Enqueue(text);
                using var payload = JsonDocument.Parse(text);
                var op = payload.RootElement.GetProperty("op").GetInt32();
                await _gate.WaitAsync();
                try
                {
                    switch (op)
                    {
                        case 1 when _ackHeartbeats:
                            await SendAsync(socket, """{"op":11}""");
                            break;
                        case 2:
                            _current = $"session{Interlocked.Increment(ref _sessionCounter)}";
                            _sessions[_current] = [];
                            _live = socket;
                            var resumeUrl = Url.AbsoluteUri.TrimEnd('/') + "/resume";
                            await AppendAndSendAsync(_current, "READY",
                                $$"""{"v":10,"session_id":"{{_current}}","resume_gateway_url":"{{resumeUrl}}","user":{"id":"4242","username":"omni-bot","bot":true},"guilds":[]}""");
                            break;
                        case 6:
                            var d = payload.RootElement.GetProperty("d");
                            var session = d.GetProperty("session_id").GetString()!;
                            var seq = d.GetProperty("seq").GetInt64();
                            if (!_sessions.TryGetValue(session, out var log) || _invalid.Contains(session))
                            {
                                await SendAsync(socket, """{"op":9,"d":false}""");
                                break;
                            }

                            _current = session;
                            _live = socket;
                            foreach (var frame in log.Skip((int)seq))
                            {
                                await socket.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None);
                            }

                            await AppendAndSendAsync(session, "RESUMED", "{}");
                            break;
                    }
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
        {
        }
        finally
        {
            await _gate.WaitAsync();
            if (ReferenceEquals(_live, socket))
            {
                _live = null;
            }

            _gate.Release();
        }
    }

    private async Task<long> AppendAndSendAsync(string session, string type, string dataJson)
    {
        var log = _sessions[session];
        var seq = log.Count + 1;
        var bytes = Encoding.UTF8.GetBytes(
            $$"""{"t":"{{type}}","s":{{seq.ToString(CultureInfo.InvariantCulture)}},"op":0,"d":{{dataJson}}}""");
        log.Add(bytes);
        if (_live is { } socket && session == _current)
        {
            try
            {
                await socket.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
            {
                _live = null; // kept in the log; the RESUME replays it
            }
        }

        return seq;
    }

    private static async Task SendAsync(WebSocket socket, string text)
    {
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _live?.Abort();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _gate.Dispose();
    }
}
