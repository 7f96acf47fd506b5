using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Omni.Local.Tests.Support;

/// <summary>
/// A TCP proxy on a fixed loopback port in front of Omni.Local, to make Omni unreachable for the relay without stopping
/// it: <see cref="GoDown"/> closes the listener (connection refused) and aborts every open connection; <see cref="GoUp"/>
/// listens on the same port again. <see cref="SwallowResponses"/> forwards the next requests to Omni but cuts the
/// connection instead of returning Omni's answer: Omni has accepted the frame, the relay never sees the 2xx and retries it
/// under the same <c>webhook-id</c>.
/// </summary>
public sealed class LoopbackProxy : IAsyncDisposable
{
    private readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    private readonly CancellationTokenSource _disposed = new();
    private readonly object _lock = new();
    private TcpListener? _listener;
    private int _swallow;
    private int _swallowed;
    private int _connections;

    private LoopbackProxy(int port)
    {
        Port = port;
    }

    public int Port { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    /// <summary>Where connections are forwarded (Omni.Local's own address, known once it has started).</summary>
    public Uri? Target { get; set; }

    public bool IsUp => _listener is not null;

    /// <summary>Responses cut so far (requests Omni answered but whose answer the relay never saw).</summary>
    public int Swallowed => Volatile.Read(ref _swallowed);

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public static LoopbackProxy Start()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var proxy = new LoopbackProxy(port);
        proxy.GoUp();
        return proxy;
    }

    public void GoUp()
    {
        lock (_lock)
        {
            if (_listener is not null)
            {
                return;
            }

            var listener = new TcpListener(IPAddress.Loopback, Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            _listener = listener;
            _ = AcceptLoopAsync(listener);
        }
    }

    /// <summary>Connection refused from now on; connections in flight are reset.</summary>
    public void GoDown()
    {
        lock (_lock)
        {
            _listener?.Stop();
            _listener = null;
        }

        foreach (var client in _open.Keys)
        {
            Abort(client);
        }
    }

    /// <summary>The next <paramref name="count"/> answers from Omni are not passed on: the client's connection is reset instead.</summary>
    public void SwallowResponses(int count) => Volatile.Write(ref _swallow, count);

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (!_disposed.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_disposed.Token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                return; // stopped
            }

            Interlocked.Increment(ref _connections);
            _ = PipeAsync(client);
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        _open[client] = 0;
        using var server = new TcpClient();
        try
        {
            var target = Target ?? throw new InvalidOperationException("no target yet");
            await server.ConnectAsync(target.Host, target.Port, _disposed.Token);
            var clientStream = client.GetStream();
            var serverStream = server.GetStream();
            var up = clientStream.CopyToAsync(serverStream, _disposed.Token);
            var down = CopyAnswersAsync(serverStream, client);
            await Task.WhenAny(up, down);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
        }
        finally
        {
            _open.TryRemove(client, out _);
            Abort(client);
        }
    }

    /// <summary>Omni → relay; an answer to swallow resets the relay's connection instead of reaching it.</summary>
    private async Task CopyAnswersAsync(NetworkStream server, TcpClient client)
    {
        var buffer = new byte[16 * 1024];
        var stream = client.GetStream();
        while (true)
        {
            var read = await server.ReadAsync(buffer, _disposed.Token);
            if (read == 0)
            {
                return;
            }

            if (TakeSwallow())
            {
                Interlocked.Increment(ref _swallowed);
                Abort(client);
                return;
            }

            await stream.WriteAsync(buffer.AsMemory(0, read), _disposed.Token);
        }
    }

    private bool TakeSwallow()
    {
        while (true)
        {
            var left = Volatile.Read(ref _swallow);
            if (left <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _swallow, left - 1, left) == left)
            {
                return true;
            }
        }
    }

    private static void Abort(TcpClient client)
    {
        try
        {
            client.Client.LingerState = new LingerOption(true, 0); // RST, not FIN: the request failed, nothing was answered
            client.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        _disposed.Cancel();
        GoDown();
        _disposed.Dispose();
        return ValueTask.CompletedTask;
    }
}
