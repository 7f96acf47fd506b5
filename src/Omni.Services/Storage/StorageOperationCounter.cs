using Azure.Core;
using Azure.Core.Pipeline;

namespace Omni.Services.Storage;

/// <summary>
/// Counts every request the Azure SDK clients send (retries included), by service and by the class the service bills
/// it in (<see cref="StorageBillingClass"/>). The benchmark and the tests use it to hold the line on storage operations
/// per ingested event and to price them; it also feeds the <c>omni.storage.operations</c> counter.
/// </summary>
public sealed class StorageOperationCounter : HttpPipelineSynchronousPolicy
{
    private readonly long[] _byClass = new long[Enum.GetValues<StorageBillingClass>().Length];

    public long Blob => Count(StorageBillingClass.BlobWrite) + Count(StorageBillingClass.BlobRead);
    public long Queue => Count(StorageBillingClass.QueueClass1) + Count(StorageBillingClass.QueueClass2);
    public long Table => Count(StorageBillingClass.Table);
    public long Total => Blob + Queue + Table;

    /// <summary>Requests counted in one billing class since the last <see cref="Reset"/>.</summary>
    public long Count(StorageBillingClass billingClass) => Interlocked.Read(ref _byClass[(int)billingClass]);

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var request = message.Request;
        var uri = request.Uri;
        // Azurite puts the service in the port (10000/10001/10002); Azure puts it in the host name.
        var host = uri.Host ?? "";
        if (host.Contains(".table.", StringComparison.Ordinal) || uri.Port == TablePort)
        {
            Interlocked.Increment(ref _byClass[(int)StorageBillingClass.Table]);
            Telemetry.OmniTelemetry.RecordStorageOperation("table");
        }
        else if (host.Contains(".queue.", StringComparison.Ordinal) || uri.Port == QueuePort)
        {
            Interlocked.Increment(ref _byClass[(int)QueueClass(request)]);
            Telemetry.OmniTelemetry.RecordStorageOperation("queue");
        }
        else
        {
            Interlocked.Increment(ref _byClass[(int)BlobClass(request)]);
            Telemetry.OmniTelemetry.RecordStorageOperation("blob");
        }
    }

    /// <summary>Ports to classify local (Azurite) requests by; set from the connection string's endpoints.</summary>
    public int QueuePort { get; set; } = 10001;

    public int TablePort { get; set; } = 10002;

    public void Reset()
    {
        for (var i = 0; i < _byClass.Length; i++)
        {
            Interlocked.Exchange(ref _byClass[i], 0);
        }
    }

    /// <summary>Blob reads are GET and HEAD (listing is billed as a write); everything else is a write.</summary>
    private static StorageBillingClass BlobClass(Request request) =>
        (request.Method == RequestMethod.Get || request.Method == RequestMethod.Head) && !Query(request).Contains("comp=list", StringComparison.Ordinal)
            ? StorageBillingClass.BlobRead
            : StorageBillingClass.BlobWrite;

    /// <summary>
    /// Queue class 2 are the reads that change nothing (peek, metadata, properties, ACL); puts, receives (they make
    /// messages invisible), updates, deletes and clears are class 1.
    /// </summary>
    private static StorageBillingClass QueueClass(Request request)
    {
        if (request.Method != RequestMethod.Get && request.Method != RequestMethod.Head)
        {
            return StorageBillingClass.QueueClass1;
        }

        var query = Query(request);
        var receive = request.Uri.Path.EndsWith("/messages", StringComparison.Ordinal) && !query.Contains("peekonly=true", StringComparison.OrdinalIgnoreCase);
        return receive ? StorageBillingClass.QueueClass1 : StorageBillingClass.QueueClass2;
    }

    private static string Query(Request request) => request.Uri.Query ?? "";
}

/// <summary>How Azure Storage bills a request (standard general-purpose v2 accounts).</summary>
public enum StorageBillingClass
{
    /// <summary>Blob write, list and create operations (PUT, POST, DELETE, list).</summary>
    BlobWrite,

    /// <summary>Blob read operations (GET, HEAD).</summary>
    BlobRead,

    /// <summary>Queue class 1: put, receive, update, delete, clear, create.</summary>
    QueueClass1,

    /// <summary>Queue class 2: peek and other reads.</summary>
    QueueClass2,

    /// <summary>Table transactions (a batch is one request).</summary>
    Table,
}
