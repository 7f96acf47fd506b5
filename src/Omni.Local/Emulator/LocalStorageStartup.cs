using Omni.Services.Storage;

namespace Omni.Local.Emulator;

/// <summary>Runs before anything else in Omni.Local: creates the containers, queues and tables Omni uses.</summary>
internal sealed class LocalStorageStartup(OmniStorage storage) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => storage.EnsureCreatedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
