using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Omni.Functions.Normalize;
using Omni.Services.Configuration;
using Omni.Services.Storage;

namespace Omni.Functions.Hosting;

public static class StorageExtensions
{
    /// <summary>
    /// Refuses to start with a storage prefix: the queue trigger's queue name is fixed at build time
    /// (<see cref="NormalizeFunction.IngestQueue"/>), so a prefixed ingest queue would fill up with nobody reading it.
    /// The prefix exists for tests and benchmarks sharing one account, which run Omni.Local. With a connection string
    /// (Azurite under <c>func start</c>) it also creates the containers, queues and tables, as Omni.Local does;
    /// in Azure, infra/ creates them and the app's identity is not expected to.
    /// </summary>
    public static FunctionsApplicationBuilder AddOmniStorageChecks(this FunctionsApplicationBuilder builder)
    {
        var storage = builder.Configuration.GetSection($"{OmniOptions.Section}:{nameof(OmniOptions.Storage)}");
        var ingestQueue = new StorageNames(storage[nameof(StorageOptions.Prefix)] ?? "").IngestQueue;
        if (ingestQueue != NormalizeFunction.IngestQueue)
        {
            throw new InvalidOperationException(
                $"Omni:Storage:Prefix must be empty in the Functions app: the ingest trigger reads '{NormalizeFunction.IngestQueue}', not '{ingestQueue}'.");
        }

        if (!string.IsNullOrWhiteSpace(storage[nameof(StorageOptions.ConnectionString)]))
        {
            builder.Services.AddHostedService<CreateStorageOnStart>();
        }

        return builder;
    }

    private sealed class CreateStorageOnStart(OmniStorage storage) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => storage.EnsureCreatedAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
