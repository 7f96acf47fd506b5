using Omni.Local.Emulator;

namespace Omni.TestSupport;

/// <summary>One Azurite for the whole test run, in memory on free loopback ports. Tests isolate by name prefix. Linked into every test project that needs storage.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private Azurite? _azurite;

    public string ConnectionString => _azurite?.ConnectionString ?? throw new InvalidOperationException("Azurite is not started");

    public int QueuePort => _azurite!.QueuePort;

    public int TablePort => _azurite!.TablePort;

    public async Task InitializeAsync()
    {
        if (Azurite.FindExecutable() is null)
        {
            throw new InvalidOperationException(
                "These tests need Azurite: run `npm ci` in the repository root first (or `bash scripts/test.sh`, which does).");
        }

        _azurite = await Azurite.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class UsesAzurite : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
