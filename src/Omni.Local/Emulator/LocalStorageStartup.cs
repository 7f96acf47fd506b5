using Omni.Services.Storage;

namespace Omni.Local.Emulator;

/// <summary>
/// Runs before anything else in Omni.Local: when storage is <c>UseDevelopmentStorage=true</c> and nothing listens on
/// the emulator ports, starts Azurite (and stops it on shutdown); then creates containers, queues and tables.
/// </summary>
internal sealed class LocalStorageStartup(Omni.Services.Configuration.OmniOptions options, OmniStorage storage, ILogger<LocalStorageStartup> logger)
    : IHostedService, IAsyncDisposable
{
    private Azurite? _azurite;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (string.Equals(options.Storage.ConnectionString?.Trim().TrimEnd(';'), "UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase))
        {
            _azurite = await Azurite.EnsureDevelopmentStorageAsync(cancellationToken);
            logger.LogInformation("Storage emulator on 127.0.0.1:10000-10002 ({How})",
                _azurite.Owned ? "Azurite started in memory by Omni.Local" : "already running");
        }

        await storage.EnsureCreatedAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
