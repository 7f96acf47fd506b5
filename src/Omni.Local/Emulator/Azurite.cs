using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Omni.Local.Emulator;

/// <summary>
/// Starts Azurite (the Azure Storage emulator) from the project's own <c>npm ci</c> install on free loopback ports, in
/// memory or in a data folder: for Omni.Local (<c>scripts/run.sh</c>), the test suite and the benchmark.
/// Azurite runs under a small shell guard (<see cref="GuardScript"/>) in a session of its own, so that a Ctrl-C in the
/// terminal reaches only the host (which then stops Azurite last, after its own work has stopped), and so that Azurite
/// dies with the host even when the host is killed with no chance to clean up: the guard waits on a pipe from the host
/// and stops Azurite when the pipe closes, which the kernel does for any exit, <c>kill -9</c> included.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";

    // The well-known development storage key, public by design (it is in Azurite's and the SDKs' documentation).
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>
    /// Run by <c>sh</c>: start Azurite in the background, print its pid, wait until standard input (a pipe from the
    /// host) closes, then stop Azurite and wait for it.
    /// </summary>
    private const string GuardScript = "\"$0\" \"$@\" & azurite=$!; echo \"$azurite\"; while read -r _; do :; done; kill \"$azurite\" 2>/dev/null; wait \"$azurite\"";

    private static readonly string[] SetsidPaths = ["/usr/bin/setsid", "/bin/setsid"];

    private readonly Process? _guard;
    private readonly Process? _process;

    private Azurite(Process? guard, Process? process, int blobPort, int queuePort, int tablePort)
    {
        _guard = guard;
        _process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }

    /// <summary>Whether this object started (and so will stop) the process.</summary>
    public bool Owned => _process is not null;

    /// <summary>CPU time the Azurite process has used so far (zero when this object did not start it). The benchmark uses it.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            if (_process is null)
            {
                return TimeSpan.Zero;
            }

            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public string ConnectionString => ConnectionStringFor(BlobPort, QueuePort, TablePort);

    public static string ConnectionStringFor(int blobPort, int queuePort, int tablePort) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};";

    /// <summary>
    /// Starts Azurite on the given ports (0 = pick free ones) and waits until all three services accept connections.
    /// <paramref name="dataFolder"/>: keep the data there across restarts (created if missing); null: in memory.
    /// </summary>
    public static async Task<Azurite> StartAsync(
        int blobPort = 0, int queuePort = 0, int tablePort = 0, string? dataFolder = null, CancellationToken cancellationToken = default)
    {
        var executable = FindExecutable() ?? throw new InvalidOperationException(
            "Azurite is not installed: run `npm ci` in the repository root (package.json pins it), then try again.");
        var free = FreePorts(3);
        blobPort = blobPort == 0 ? free[0] : blobPort;
        queuePort = queuePort == 0 ? free[1] : queuePort;
        tablePort = tablePort == 0 ? free[2] : tablePort;

        string[] storage = dataFolder is null
            ? ["--inMemoryPersistence"]
            : ["--location", Directory.CreateDirectory(dataFolder).FullName];
        string[] arguments =
        [
            .. storage, "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(CultureInfo.InvariantCulture),
        ];

        var (guard, process) = await StartGuardedAsync(executable, arguments, cancellationToken);
        var azurite = new Azurite(guard, process, blobPort, queuePort, tablePort);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(IsListening(blobPort) && IsListening(queuePort) && IsListening(tablePort)))
        {
            if (process.HasExited)
            {
                await azurite.DisposeAsync();
                throw new InvalidOperationException($"Azurite exited before it listened (ports {blobPort}/{queuePort}/{tablePort}).");
            }

            if (DateTime.UtcNow > deadline)
            {
                await azurite.DisposeAsync();
                throw new TimeoutException("Azurite did not listen within 30 s.");
            }

            await Task.Delay(100, cancellationToken);
        }

        return azurite;
    }

    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary><c>node_modules/.bin/azurite</c> in the current directory, the app's directory, or any parent of them.</summary>
    public static string? FindExecutable()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "node_modules", ".bin", "azurite");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Starts the guard (under <c>setsid</c> where it exists: a new session, out of reach of the terminal's Ctrl-C) with
    /// Azurite as its child, and returns both processes.
    /// </summary>
    private static async Task<(Process Guard, Process Azurite)> StartGuardedAsync(string executable, string[] arguments, CancellationToken cancellationToken)
    {
        var setsid = SetsidPaths.FirstOrDefault(File.Exists);
        var start = new ProcessStartInfo(setsid ?? "/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (setsid is not null)
        {
            start.ArgumentList.Add("/bin/sh");
        }

        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(GuardScript);
        start.ArgumentList.Add(executable);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var guard = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        guard.ErrorDataReceived += (_, _) => { };
        guard.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var pid = await guard.StandardOutput.ReadLineAsync(timeout.Token);
        if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var azuritePid))
        {
            guard.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"could not start {executable}: the guard printed '{pid}' instead of a process id");
        }

        // The rest of Azurite's output (nothing: --silent) is read and dropped, so it can never fill the pipe.
        _ = guard.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
        return (guard, Process.GetProcessById(azuritePid));
    }

    /// <summary>
    /// <paramref name="count"/> distinct free loopback ports. All are held open until every one is picked: a port
    /// released and asked for again at once can come back the same (then Azurite would bind two services to one port).
    /// </summary>
    private static int[] FreePorts(int count)
    {
        var listeners = new List<System.Net.Sockets.TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(l => ((System.Net.IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    /// <summary>Stops Azurite: closing the guard's input makes it stop Azurite and exit; a kill if it has not within 5 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_guard is not null)
        {
            _guard.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _guard.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _guard.Kill(entireProcessTree: true);
            }

            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }

        _process?.Dispose();
        _guard?.Dispose();
    }
}
