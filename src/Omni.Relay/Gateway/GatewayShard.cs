using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Omni.Relay.Backfill;
using Omni.Relay.Delivery;

namespace Omni.Relay.Gateway;

/// <summary>
/// One gateway session of one shard, kept alive for as long as the relay runs (docs/events/Gateway.md):
/// <list type="number">
/// <item>connect: to the saved <c>resume_gateway_url</c> when there is a session to resume, else to the bot's gateway URL
/// after the <see cref="IdentifyGate"/> allows an IDENTIFY;</item>
/// <item>HELLO → RESUME (session id + last sequence) or IDENTIFY (token, intents, shard), and heartbeats every
/// <c>heartbeat_interval</c>, the first one after a random fraction of it; a heartbeat not ACKed by the next one marks a
/// zombie connection, which is dropped and resumed;</item>
/// <item>every dispatch is written to the <see cref="FrameBuffer"/> first, and only then does the shard's sequence (what
/// its heartbeats and RESUME acknowledge) move past it and the state file get saved; a full buffer ends the connection
/// without acknowledging the frame in hand, and no new connection is made until the buffer has drained to three quarters;</item>
/// <item>op 7 RECONNECT, a dropped socket and resumable close codes → reconnect and RESUME; op 9 INVALID_SESSION with
/// <c>d: false</c>, close codes 4007/4009 → forget the session, wait 1–5 s, IDENTIFY; a READY (a new session) backfills
/// the channels the shard had seen (<see cref="Backfiller"/>); authentication, intent and sharding close codes stop the
/// shard (they would fail again).</item>
/// </list>
/// Reconnects back off exponentially (bounded, jittered, never below the minimum, reset once a session is running).
/// </summary>
public sealed class GatewayShard
{
    private readonly string _instance;
    private readonly int _shardId;
    private readonly int _shardCount;
    private readonly string _gatewayUrl;
    private readonly string _botToken;
    private readonly RelayOptions _options;
    private readonly IdentifyGate _gate;
    private readonly FrameBuffer _buffer;
    private readonly ShardStateStore _store;
    private readonly Backfiller _backfiller;
    private readonly RelayMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _stateLock = new();
    private readonly List<Task> _backfills = [];
    private ShardState _state = new();
    private CancellationToken _stopping;
    private string? _lostSessionId;

    public GatewayShard(
        string instance,
        int shardId,
        int shardCount,
        string gatewayUrl,
        string botToken,
        RelayOptions options,
        IdentifyGate gate,
        FrameBuffer buffer,
        ShardStateStore store,
        Backfiller backfiller,
        RelayMetrics metrics,
        TimeProvider time,
        ILogger logger)
    {
        _instance = instance;
        _shardId = shardId;
        _shardCount = shardCount;
        _gatewayUrl = gatewayUrl;
        _botToken = botToken;
        _options = options;
        _gate = gate;
        _buffer = buffer;
        _store = store;
        _backfiller = backfiller;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    public ShardStatus Status { get; private set; } = ShardStatus.Starting;

    /// <summary>A copy of the shard's current state (tests and health).</summary>
    public ShardState State
    {
        get
        {
            lock (_stateLock)
            {
                return _state.Clone();
            }
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _state = _store.Load();
        _stopping = cancellationToken;
        var failures = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (_buffer.IsFull)
                {
                    Status = ShardStatus.WaitingForBuffer;
                    _logger.LogWarning("Buffer of {Instance} is full ({Depth} frames): shard {Shard} stops reading until Omni catches up", _instance, _buffer.Depth, _shardId);
                    await _buffer.WaitUntilDepthAtMostAsync(_buffer.Capacity * 3 / 4, cancellationToken).ConfigureAwait(false);
                }

                var end = await ConnectOnceAsync(cancellationToken).ConfigureAwait(false);
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                _metrics.Reconnected(_instance, end.Reason);
                if (end.Verdict == CloseVerdict.Fatal)
                {
                    Status = ShardStatus.Failed;
                    _logger.LogCritical("Shard {Shard} of {Instance} stopped: {Reason}. Fix the bot's settings and restart the relay.", _shardId, _instance, end.Reason);
                    return;
                }

                Status = ShardStatus.Reconnecting;
                failures = end.ReachedSession ? 0 : failures + 1;
                var delay = end.Reason == EndReasons.InvalidSession
                    ? _options.InvalidSessionMinDelay + ((_options.InvalidSessionMaxDelay - _options.InvalidSessionMinDelay) * Random.Shared.NextDouble())
                    : Backoff.Delay(failures, _options.ReconnectMinDelay, _options.ReconnectMaxDelay, Random.Shared.NextDouble());
                _logger.LogInformation("Shard {Shard} of {Instance} disconnected ({Reason}); reconnecting in {Delay}", _shardId, _instance, end.Reason, delay);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            Status = Status == ShardStatus.Failed ? ShardStatus.Failed : ShardStatus.Stopped;
            Task[] pending;
            lock (_stateLock)
            {
                pending = [.. _backfills];
            }

            await Task.WhenAll(pending.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
        }
    }

    private async Task<ConnectionEnd> ConnectOnceAsync(CancellationToken cancellationToken)
    {
        bool resuming;
        string? resumeUrl;
        lock (_stateLock)
        {
            resuming = _state.CanResume;
            resumeUrl = _state.ResumeGatewayUrl;
        }

        Status = ShardStatus.Connecting;
        if (!resuming)
        {
            await _gate.WaitAsync(_shardId, cancellationToken).ConfigureAwait(false);
        }

        using var connection = new Connection(cancellationToken);
        var url = GatewayUrl(resuming ? resumeUrl! : _gatewayUrl);
        var reachedSession = false;
        Task? heartbeat = null;
        try
        {
            await connection.Socket.ConnectAsync(url, connection.Token).ConfigureAwait(false);
            while (true)
            {
                var message = await ReceiveAsync(connection).ConfigureAwait(false);
                if (message is null)
                {
                    var code = (int?)connection.Socket.CloseStatus;
                    var verdict = GatewayCloseCodes.Classify(code);
                    if (verdict == CloseVerdict.NewSession)
                    {
                        ForgetSession();
                    }

                    return new ConnectionEnd($"closed {code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "without a code"}", verdict, reachedSession);
                }

                GatewayFrame frame;
                try
                {
                    frame = GatewayFrame.Parse(message);
                }
                catch (JsonException e)
                {
                    _logger.LogWarning("Shard {Shard} of {Instance} read a frame that is not a gateway payload: {Error}", _shardId, _instance, e.Message);
                    continue;
                }

                switch (frame.Op)
                {
                    case GatewayOpcodes.Hello:
                        var interval = _options.HeartbeatIntervalOverride > TimeSpan.Zero
                            ? _options.HeartbeatIntervalOverride
                            : TimeSpan.FromMilliseconds(frame.HeartbeatIntervalMs ?? 41_250);
                        heartbeat = HeartbeatAsync(connection, interval);
                        await connection.SendAsync(resuming ? ResumePayload() : IdentifyPayload()).ConfigureAwait(false);
                        break;
                    case GatewayOpcodes.HeartbeatAck:
                        connection.Acked = true;
                        break;
                    case GatewayOpcodes.Heartbeat:
                        await connection.SendAsync(HeartbeatPayload()).ConfigureAwait(false);
                        break;
                    case GatewayOpcodes.Reconnect:
                        await connection.CloseResumableAsync().ConfigureAwait(false);
                        return new ConnectionEnd(EndReasons.Reconnect, CloseVerdict.Resume, reachedSession);
                    case GatewayOpcodes.InvalidSession:
                        if (frame.Resumable != true)
                        {
                            ForgetSession();
                        }

                        await connection.CloseResumableAsync().ConfigureAwait(false);
                        return new ConnectionEnd(frame.Resumable == true ? EndReasons.Reconnect : EndReasons.InvalidSession, CloseVerdict.Resume, reachedSession);
                    case GatewayOpcodes.Dispatch:
                        if (!Buffer(frame, message))
                        {
                            await connection.CloseResumableAsync().ConfigureAwait(false);
                            return new ConnectionEnd(EndReasons.BufferFull, CloseVerdict.Resume, reachedSession);
                        }

                        if (frame.Type is "READY" or "RESUMED")
                        {
                            reachedSession = true;
                            Status = ShardStatus.Connected;
                            _logger.LogInformation("Shard {Shard} of {Instance}: {Type}", _shardId, _instance, frame.Type);
                        }

                        break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && connection.Zombie)
        {
            return new ConnectionEnd(EndReasons.Zombie, CloseVerdict.Resume, reachedSession);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await connection.CloseResumableAsync().ConfigureAwait(false);
            return new ConnectionEnd("stopping", CloseVerdict.Resume, reachedSession);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException)
        {
            return new ConnectionEnd(connection.Zombie ? EndReasons.Zombie : EndReasons.Dropped, CloseVerdict.Resume, reachedSession);
        }
        finally
        {
            connection.Cancel();
            if (heartbeat is not null)
            {
                await heartbeat.ConfigureAwait(false);
            }
        }
    }

    /// <summary>Buffers a dispatch, then acknowledges it (sequence, state file). False when the buffer is full.</summary>
    private bool Buffer(GatewayFrame frame, byte[] bytes)
    {
        string? sessionId;
        lock (_stateLock)
        {
            sessionId = frame.Type == "READY" ? frame.SessionId : _state.SessionId;
        }

        var result = _buffer.TryAppend(GatewayFrame.WebhookId(sessionId, frame.Sequence, bytes), bytes);
        if (result == AppendResult.Full)
        {
            return false;
        }

        if (result == AppendResult.Appended)
        {
            _metrics.Received(_instance);
        }

        Dictionary<string, ChannelMark>? gap = null;
        lock (_stateLock)
        {
            if (frame.Type == "READY")
            {
                var lost = _lostSessionId ?? _state.SessionId;
                if (lost is not null || _state.Channels.Count > 0)
                {
                    gap = new Dictionary<string, ChannelMark>(_state.Channels, StringComparer.Ordinal);
                    _metrics.SessionLost(_instance);
                    _logger.LogWarning(
                        "Shard {Shard} of {Instance}: new session {Session} after losing {Lost}; events between are missed, backfilling messages of {Channels} channels",
                        _shardId, _instance, frame.SessionId, lost ?? "(none saved)", gap.Count);
                }

                _lostSessionId = null;
                _state.SessionId = frame.SessionId;
                _state.ResumeGatewayUrl = frame.ResumeGatewayUrl;
            }

            if (frame.Sequence is { } sequence)
            {
                _state.Sequence = sequence;
            }

            if (frame is { Type: "MESSAGE_CREATE", ChannelId: { } channel, MessageId: { } message }
                && GatewayFrame.IsIdSafe(channel) && GatewayFrame.IsIdSafe(message))
            {
                _state.See(channel, message, frame.GuildId, _options.BackfillMaxChannels);
            }

            _store.Save(_state);
            if (gap is { Count: > 0 })
            {
                _backfills.RemoveAll(t => t.IsCompleted);
                _backfills.Add(Task.Run(() => BackfillAsync(gap)));
            }
        }

        return true;
    }

    private async Task BackfillAsync(Dictionary<string, ChannelMark> gap)
    {
        try
        {
            await _backfiller.RunAsync(gap, See, _stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Backfill for shard {Shard} of {Instance} failed", _shardId, _instance);
        }
    }

    private void See(string channelId, string messageId, string? guildId)
    {
        lock (_stateLock)
        {
            _state.See(channelId, messageId, guildId, _options.BackfillMaxChannels);
            _store.Save(_state);
        }
    }

    private void ForgetSession()
    {
        lock (_stateLock)
        {
            _lostSessionId = _state.SessionId ?? _lostSessionId;
            _state.ForgetSession();
            _store.Save(_state);
        }
    }

    private async Task HeartbeatAsync(Connection connection, TimeSpan interval)
    {
        try
        {
            await Task.Delay(interval * Random.Shared.NextDouble(), _time, connection.Token).ConfigureAwait(false);
            while (true)
            {
                if (!connection.Acked)
                {
                    _logger.LogWarning("Shard {Shard} of {Instance}: no heartbeat ACK, dropping the zombie connection", _shardId, _instance);
                    connection.Zombie = true;
                    connection.Cancel();
                    return;
                }

                connection.Acked = false;
                await connection.SendAsync(HeartbeatPayload()).ConfigureAwait(false);
                await Task.Delay(interval, _time, connection.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }

    private async Task<byte[]?> ReceiveAsync(Connection connection)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var message = new MemoryStream();
            while (true)
            {
                var result = await connection.Socket.ReceiveAsync(chunk, connection.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                message.Write(chunk, 0, result.Count);
                if (message.Length > _options.MaxFrameBytes)
                {
                    throw new WebSocketException($"a gateway message exceeded {_options.MaxFrameBytes} bytes");
                }

                if (result.EndOfMessage)
                {
                    return message.ToArray();
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private Uri GatewayUrl(string baseUrl) =>
        new UriBuilder(baseUrl) { Query = $"v={_options.GatewayVersion}&encoding=json" }.Uri;

    private byte[] IdentifyPayload() => Payload(GatewayOpcodes.Identify, writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("token", _botToken);
        writer.WriteNumber("intents", _options.Intents);
        writer.WriteStartObject("properties");
        writer.WriteString("os", "linux");
        writer.WriteString("browser", "omni-relay");
        writer.WriteString("device", "omni-relay");
        writer.WriteEndObject();
        writer.WriteStartArray("shard");
        writer.WriteNumberValue(_shardId);
        writer.WriteNumberValue(_shardCount);
        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    private byte[] ResumePayload()
    {
        string sessionId;
        long sequence;
        lock (_stateLock)
        {
            sessionId = _state.SessionId!;
            sequence = _state.Sequence ?? 0;
        }

        return Payload(GatewayOpcodes.Resume, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("token", _botToken);
            writer.WriteString("session_id", sessionId);
            writer.WriteNumber("seq", sequence);
            writer.WriteEndObject();
        });
    }

    private byte[] HeartbeatPayload()
    {
        long? sequence;
        lock (_stateLock)
        {
            sequence = _state.Sequence;
        }

        return Payload(GatewayOpcodes.Heartbeat, writer =>
        {
            if (sequence is { } s)
            {
                writer.WriteNumberValue(s);
            }
            else
            {
                writer.WriteNullValue();
            }
        });
    }

    private static byte[] Payload(int op, Action<Utf8JsonWriter> writeData)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteNumber("op", op);
            writer.WritePropertyName("d");
            writeData(writer);
            writer.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }

    private static class EndReasons
    {
        public const string Reconnect = "reconnect";
        public const string InvalidSession = "invalid_session";
        public const string BufferFull = "buffer_full";
        public const string Zombie = "zombie";
        public const string Dropped = "dropped";
    }

    private sealed record ConnectionEnd(string Reason, CloseVerdict Verdict, bool ReachedSession);

    /// <summary>One WebSocket connection: the socket, a send lock (heartbeats and the read loop both send), ACK state.</summary>
    private sealed class Connection : IDisposable
    {
        private readonly CancellationTokenSource _cts;
        private readonly SemaphoreSlim _send = new(1, 1);

        public Connection(CancellationToken stopping)
        {
            _cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        }

        public ClientWebSocket Socket { get; } = new();

        public CancellationToken Token => _cts.Token;

        public volatile bool Acked = true;

        public volatile bool Zombie;

        public async Task SendAsync(byte[] payload)
        {
            await _send.WaitAsync(Token).ConfigureAwait(false);
            try
            {
                await Socket.SendAsync(payload, WebSocketMessageType.Text, endOfMessage: true, Token).ConfigureAwait(false);
            }
            finally
            {
                _send.Release();
            }
        }

        /// <summary>Closes with a code that keeps the session resumable (1000/1001 would end it), giving up after a second.</summary>
        public async Task CloseResumableAsync()
        {
            if (Socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            {
                return;
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await Socket.CloseOutputAsync((WebSocketCloseStatus)GatewayCloseCodes.ResumableClose, "reconnecting", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }

        public void Cancel()
        {
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public void Dispose()
        {
            Socket.Dispose();
            _cts.Dispose();
            _send.Dispose();
        }
    }
}

public enum ShardStatus
{
    Starting,
    Connecting,
    Connected,
    Reconnecting,
    WaitingForBuffer,
    Stopped,
    Failed,
}
