using System.Net;
using System.Net.Sockets;
using Omni.Local;
using Omni.Local.Emulator;
using Omni.Services.Http;

// scripts/openapi.sh: write the OpenAPI document (generated from ApiRoutes and its data files) to a file and stop.
if (args is ["--write-openapi", var file])
{
    await File.WriteAllTextAsync(file, OpenApiDocument.Json);
    return 0;
}

// scripts/run.sh: Azurite of its own (free ports; --data DIR to keep data, --azurite running to share one), then the host.
// Problems a user can fix (a taken port, a bad option) are one line on stderr and exit code 1, never a stack trace.
try
{
    var builder = OmniLocalApp.CreateBuilder(args);
    var url = OmniLocalApp.ListenUrl(builder.Configuration);
    EnsurePortFree(url);
    await using var azurite = await LocalAzurite.StartIfNeededAsync(builder.Configuration, CancellationToken.None);
    await using var app = OmniLocalApp.Build(builder);
    await app.RunAsync();
    return 0;
}
catch (LocalStartupException e)
{
    await Console.Error.WriteLineAsync($"Omni.Local: {e.Message}");
    return 1;
}

// Checked before anything starts, so the answer to a taken port is one line with the fix, not Kestrel's stack trace.
static void EnsurePortFree(string url)
{
    if (!Uri.TryCreate(url.Split(';')[0], UriKind.Absolute, out var uri) || !IPAddress.TryParse(uri.Host, out var address))
    {
        return; // a host name or a wildcard: Kestrel reports it
    }

    try
    {
        using var probe = new TcpListener(address, uri.Port);
        probe.Start();
    }
    catch (SocketException)
    {
        throw new LocalStartupException($"{uri.Host}:{uri.Port} is already in use (another Omni.Local?). Stop it, or pick another port: bash scripts/run.sh --port {uri.Port + 1}");
    }
}
