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

    public static async Task<OmniProcess> StartAsync(IReadOnlyDictionary<string, string> settings, TimeSpan readyWithin)
    {
        var dll = Path.Combine(OutputDirectory(), "Omni.Local.dll");
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll },
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        info.Environment["urls"] = $"http://127.0.0.1:{port}";
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
