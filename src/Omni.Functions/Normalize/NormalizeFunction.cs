using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Normalize;

namespace Omni.Functions.Normalize;

/// <summary>
/// The ingest queue trigger: each claim-check message goes to <see cref="IngestQueueHandler"/>. Returning deletes
/// the message; throwing makes the runtime deliver it again after host.json's visibilityTimeout, and after
/// maxDequeueCount (5, the same as Omni:Normalizer:MaxDequeueCount) move it to <c>ingest-poison</c>. The handler
/// records the dead letter itself on that last delivery before it rethrows.
/// </summary>
public sealed class NormalizeFunction(IngestQueueHandler handler)
{
    /// <summary>Unprefixed: Omni:Storage:Prefix is for tests and benchmarks and must be empty here (checked at startup).</summary>
    public const string IngestQueue = "ingest";

    // Messages are Base64 (our queue clients encode them so; host.json says so, and it is the trigger's default).
    // AzureWebJobsStorage is the host's own storage connection: identity-based in Azure, Azurite locally.
    [Function("Normalize")]
    public Task RunAsync(
        [QueueTrigger(IngestQueue, Connection = "AzureWebJobsStorage")] QueueMessage message,
        CancellationToken cancellationToken) =>
        handler.HandleAsync(message.MessageText, message.DequeueCount, cancellationToken);
}
