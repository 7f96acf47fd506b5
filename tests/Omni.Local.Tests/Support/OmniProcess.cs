using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Omni.Local.Tests.Support;

/// <summary>
/// Omni.Local as a child process (<c>dotnet src/Omni.Local/bin/{configuration}/net10.0/Omni.Local.dll</c>, built with these
/// tests), configured through environment variables only, on a free loopback port: a host that can be killed for real.
/// Its output is kept (the last lines) for failure messages.
/// </summary>
public sealed class OmniProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private OmniProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The last lines the process wrote (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>The process id of the host (the <c>dotnet</c> running Omni.Local.dll).</summary>
    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <param name="settings">Environment variables (configuration keys with <c>__</c>).</param>
    /// <param name="readyWithin">How long it may take to answer <c>/api/health</c>.</param>
    /// <param name="arguments">Its command line (as after <c>scripts/run.sh</c>); when it has <c>--port</c>, that port is used.</param>
    public static async Task<OmniProcess> StartAsync(IReadOnlyDictionary<string, string> settings, TimeSpan readyWithin, params string[] arguments)
    {
        var host = Launch(settings, arguments);
        var process = host._process;

        using var probe = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + readyWithin;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Omni.Local exited with {process.ExitCode} while starting:\n{host.Output}");
            }

            try
            {
                using var response = await probe.GetAsync("/api/health");
                return host; // any answer: it listens (health may be 503 while the normalizer has not stored anything)
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                await host.DisposeAsync();
                throw new TimeoutException($"Omni.Local did not answer within {readyWithin}:\n{host.Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Starts it and returns at once: for runs that are expected to stop by themselves (<see cref="WaitForExitAsync"/>).</summary>
    public static OmniProcess Launch(IReadOnlyDictionary<string, string> settings, params string[] arguments)
    {
        var dll = Path.Combine(OutputDirectory(), "Omni.Local.dll");
        var portArgument = Array.IndexOf(arguments, "--port");
        var port = portArgument >= 0 ? int.Parse(arguments[portArgument + 1], System.Globalization.CultureInfo.InvariantCulture) : FreePort();
        // In a session (and process group) of its own, as a terminal runs it: Ctrl-C can then go to its whole group.
        // SIGINT back to its default first: a suite started in the background by a non-interactive shell inherits it
        // ignored, and an ignored signal stays ignored across exec (Ctrl-C would then do nothing, as under nohup).
        var info = new ProcessStartInfo("perl")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-e");
        info.ArgumentList.Add("$SIG{INT} = 'DEFAULT'; exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\\n\";");
        info.ArgumentList.Add("setsid");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        if (portArgument < 0)
        {
            info.Environment["urls"] = $"http://127.0.0.1:{port}";
        }

        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var host = new OmniProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => host.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => host.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits for the process to end by itself; false if it has not within <paramref name="bound"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            _process.WaitForExit(); // the redirected output is read to its end
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Sends a signal to the host alone (<c>KILL</c>: <c>kill -9</c>), not to its children.</summary>
    public void Signal(string signal) => Kill(signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>What Ctrl-C in a terminal does: SIGINT to the host's whole process group (its children included).</summary>
    public void Interrupt() => Kill("INT", "-" + _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static void Kill(string signal, string target)
    {
        using var kill = Process.Start("kill", ["-" + signal, "--", target]);
        kill.WaitForExit();
    }

    /// <summary><c>kill -9</c>: no shutdown, no flushing, requests in flight cut off.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > 200)
            {
                _output.Dequeue();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>src/Omni.Local/bin/{the configuration these tests were built in}/net10.0, found from the repository root.</summary>
    private static string OutputDirectory()
    {
        var configuration = typeof(OmniProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Omni.sln")))
            {
                var output = Path.Combine(dir.FullName, "src", "Omni.Local", "bin", configuration, "net10.0");
                return File.Exists(Path.Combine(output, "Omni.Local.dll"))
                    ? output
                    : throw new InvalidOperationException($"{output}/Omni.Local.dll does not exist: build src/Omni.Local ({configuration}) first");
            }
        }

        throw new InvalidOperationException("cannot find the repository root (the folder with Omni.sln)");
    }
}
