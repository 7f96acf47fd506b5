using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Omni.Services.Configuration;

namespace Omni.Services.Storage;

/// <summary>
/// The Azure Storage clients Omni works with, created once. A connection string (Azurite) or service URIs with a
/// managed identity (Azure). Queue messages are Base64-encoded, as the Functions queue trigger expects. Every client, and
/// the <see cref="TableBatchWriter"/>, authenticates the same way and reports to the <see cref="StorageOperationCounter"/>.
/// </summary>
public sealed class OmniStorage
{
    public OmniStorage(StorageOptions options, StorageOperationCounter? counter = null)
    {
        Names = new StorageNames(options.Prefix);
        var blobOptions = new BlobClientOptions();
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var tableOptions = new TableClientOptions();
        if (counter is not null)
        {
            blobOptions.AddPolicy(counter, HttpPipelinePosition.PerCall);
            queueOptions.AddPolicy(counter, HttpPipelinePosition.PerCall);
            tableOptions.AddPolicy(counter, HttpPipelinePosition.PerCall);
        }

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            Blobs = new BlobServiceClient(options.ConnectionString, blobOptions);
            Queues = new QueueServiceClient(options.ConnectionString, queueOptions);
            Tables = new TableServiceClient(options.ConnectionString, tableOptions);
            Transactions = TableBatchWriter.FromConnectionString(options.ConnectionString, Tables.Uri, Tables.AccountName, tableOptions);
        }
        else
        {
            TokenCredential credential = string.IsNullOrWhiteSpace(options.ClientId)
                ? new DefaultAzureCredential()
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ClientId));
            Blobs = new BlobServiceClient(Require(options.BlobServiceUri, "BlobServiceUri"), credential, blobOptions);
            Queues = new QueueServiceClient(Require(options.QueueServiceUri, "QueueServiceUri"), credential, queueOptions);
            Tables = new TableServiceClient(Require(options.TableServiceUri, "TableServiceUri"), credential, tableOptions);
            Transactions = TableBatchWriter.FromCredential(credential, Tables.Uri, tableOptions);
        }

        RawArchive = Blobs.GetBlobContainerClient(Names.RawContainer);
        Oversize = Blobs.GetBlobContainerClient(Names.OversizeContainer);
        IngestQueue = Queues.GetQueueClient(Names.IngestQueue);
        IngestPoisonQueue = Queues.GetQueueClient(Names.IngestPoisonQueue);
        Events = Tables.GetTableClient(Names.EventsTable);
        DeadLetters = Tables.GetTableClient(Names.DeadLettersTable);
        Identities = Tables.GetTableClient(Names.IdentitiesTable);
        IdentityHandles = Tables.GetTableClient(Names.IdentityHandlesTable);
        IdentityLinks = Tables.GetTableClient(Names.IdentityLinksTable);
        Effects = Tables.GetTableClient(Names.EffectsTable);
    }

    public StorageNames Names { get; }
    public BlobServiceClient Blobs { get; }
    public QueueServiceClient Queues { get; }
    public TableServiceClient Tables { get; }

    /// <summary>Entity group transactions on any of the tables, leaner than <c>TableClient.SubmitTransactionAsync</c> (the event transaction uses it).</summary>
    public TableBatchWriter Transactions { get; }
    public BlobContainerClient RawArchive { get; }
    public BlobContainerClient Oversize { get; }
    public QueueClient IngestQueue { get; }
    public QueueClient IngestPoisonQueue { get; }
    public TableClient Events { get; }
    public TableClient DeadLetters { get; }
    public TableClient Identities { get; }
    public TableClient IdentityHandles { get; }
    public TableClient IdentityLinks { get; }
    public TableClient Effects { get; }

    /// <summary>Creates whatever does not exist yet. In Azure, Bicep creates them; this is for Azurite and first runs.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        await Task.WhenAll(
            RawArchive.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            Oversize.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            IngestQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            IngestPoisonQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            Events.CreateIfNotExistsAsync(cancellationToken),
            DeadLetters.CreateIfNotExistsAsync(cancellationToken));
        await Task.WhenAll(
            Identities.CreateIfNotExistsAsync(cancellationToken),
            IdentityHandles.CreateIfNotExistsAsync(cancellationToken),
            IdentityLinks.CreateIfNotExistsAsync(cancellationToken),
            Effects.CreateIfNotExistsAsync(cancellationToken));
    }

    private static Uri Require(Uri? uri, string name) =>
        uri ?? throw new InvalidOperationException($"Omni:Storage:{name} is required when Omni:Storage:ConnectionString is not set.");
}
