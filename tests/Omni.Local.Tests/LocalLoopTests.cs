using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Omni.Local.Tests.Support;

namespace Omni.Local.Tests;

/// <summary>
/// The run command's host as a new user meets it (<c>scripts/run.sh</c> runs this same Omni.Local): an Azurite of its
/// own on free ports that dies with the host however it ends, Ctrl-C that stops quietly, a taken port answered with one
/// line, and <c>--data</c> that keeps events across a restart. Omni.Local runs as a real child process.
/// </summary>
public sealed class LocalLoopTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _data = Path.Combine(Path.GetTempPath(), "omni-loop-" + Guid.NewGuid().ToString("N"));

    /// <summary>What scripts/run.sh gives it: development storage (its own Azurite), the demo instance and a key.</summary>
    private static readonly Dictionary<string, string> RunSettings = new()
    {
        ["Omni__Storage__ConnectionString"] = "UseDevelopmentStorage=true",
        [$"Omni__Instances__{OmniHost.Instance}__Provider"] = "evolution",
        [$"Omni__Instances__{OmniHost.Instance}__WebhookSecret"] = OmniHost.WebhookSecret,
        ["Omni__Keys__tests__Secret"] = OmniHost.QueryKey,
        ["Omni__Normalizer__MaxPollInterval"] = "00:00:00.100",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    [Fact]
    public async Task Run_DevelopmentStorage_OwnAzuriteOnFreePorts_DiesWithAHostKilledWithKill9()
    {
        await using var host = await OmniProcess.StartAsync(RunSettings, Bound);
        var azurite = AzuriteUnder(host.Id);
        var ports = PortsOf(azurite);
        Assert.DoesNotContain(10000, ports); // never the well-known ports someone else's emulator may hold
        Assert.All(ports, p => Assert.True(IsListening(p), $"Azurite does not listen on {p}"));
        await IngestAndReadBackAsync(host, "3EB0LOOPKILL0001");

        host.Signal("KILL");

        Assert.True(await host.WaitForExitAsync(Bound));
        Assert.True(await EventuallyAsync(() => !IsAlive(azurite) && !ports.Any(IsListening)),
            $"Azurite (pid {azurite}) outlived its killed host");
    }

    [Fact]
    public async Task Run_CtrlC_StopsQuietly_AndStopsAzurite()
    {
        await using var host = await OmniProcess.StartAsync(RunSettings, Bound);
        var azurite = AzuriteUnder(host.Id);
        await IngestAndReadBackAsync(host, "3EB0LOOPINT00001");

        host.Interrupt(); // to the whole process group, as a terminal does

        // Measured by hand at 0.5–0.9 s (docs/operations.md); the bound here only keeps a loaded machine from failing it.
        Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(15)), $"still running after Ctrl-C:\n{host.Output}");
        Assert.Equal(0, host.ExitCode);
        Assert.DoesNotContain("Exception", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", host.Output, StringComparison.Ordinal);
        Assert.True(await EventuallyAsync(() => !IsAlive(azurite)), $"Azurite (pid {azurite}) outlived its host");
    }

    [Fact]
    public async Task Run_PortTaken_OneLineNamingTheFix_Exit1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var host = OmniProcess.Launch(RunSettings, "--port", port.ToString(CultureInfo.InvariantCulture));

        Assert.True(await host.WaitForExitAsync(Bound), "it did not stop");
        Assert.Equal(1, host.ExitCode);
        var line = Assert.Single(host.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"Omni.Local: 127.0.0.1:{port} is already in use (another Omni.Local?). Stop it, or pick another port: " +
                     $"bash scripts/run.sh --port {port + 1}", line);
    }

    [Fact]
    public async Task Run_Data_KeepsEventsAcrossARestart()
    {
        await using (var first = await OmniProcess.StartAsync(RunSettings, Bound, "--data", _data))
        {
            await IngestAndReadBackAsync(first, "3EB0LOOPDATA0001");
            first.Interrupt();
            Assert.True(await first.WaitForExitAsync(Bound));
        }

        await using var second = await OmniProcess.StartAsync(RunSettings, Bound, "--data", _data);
        var events = await ListEventsAsync(second);
        Assert.Equal("3EB0LOOPDATA0001", Assert.Single(events).GetProperty("provider_message_id").GetString());
    }

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private static async Task IngestAndReadBackAsync(OmniProcess host, string messageId)
    {
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var content = new ByteArrayContent(EvolutionPayloads.Text(messageId, "hello"));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/evolution/{OmniHost.Instance}") { Content = content };
        request.Headers.Add("x-webhook-secret", OmniHost.WebhookSecret);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(await EventuallyAsync(async () => (await ListEventsAsync(host)).Count == 1), $"the event never appeared:\n{host.Output}");
    }

    private static async Task<List<JsonElement>> ListEventsAsync(OmniProcess host)
    {
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        client.DefaultRequestHeaders.Add("x-functions-key", OmniHost.QueryKey);
        var page = JsonSerializer.Deserialize<JsonElement>(await client.GetStringAsync($"/api/events?instance={OmniHost.Instance}"));
        return [.. page.GetProperty("events").EnumerateArray()];
    }

    /// <summary>The Azurite (node) process among the host's descendants (it runs under a guard shell of its own session).</summary>
    private static int AzuriteUnder(int hostId)
    {
        var parents = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0)
            .Select(pid => (Pid: pid, Parent: ParentOf(pid)))
            .ToList();
        var tree = new HashSet<int> { hostId };
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var (pid, parent) in parents)
            {
                if (tree.Contains(parent) && tree.Add(pid))
                {
                    grew = true;
                }
            }
        }

        return Assert.Single(tree, pid => pid != hostId && CommandLine(pid).StartsWith("node", StringComparison.Ordinal) &&
                                          CommandLine(pid).Contains("azurite", StringComparison.Ordinal));
    }

    private static int[] PortsOf(int azurite)
    {
        var args = CommandLine(azurite).Split(' ');
        return [.. new[] { "--blobPort", "--queuePort", "--tablePort" }
            .Select(flag => int.Parse(args[Array.IndexOf(args, flag) + 1], CultureInfo.InvariantCulture))];
    }

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Running (a zombie waiting to be reaped counts as gone).</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static Task<bool> EventuallyAsync(Func<bool> condition) => EventuallyAsync(() => Task.FromResult(condition()));

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }
}
