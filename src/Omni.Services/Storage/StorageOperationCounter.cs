using Azure.Core;
using Azure.Core.Pipeline;

namespace Omni.Services.Storage;

/// <summary>
/// Counts every request the Azure SDK clients send (retries included), by service. The benchmark and the tests use
/// it to hold the line on storage operations per ingested event; it also feeds the <c>omni.storage.operations</c> counter.
/// </summary>
public sealed class StorageOperationCounter : HttpPipelineSynchronousPolicy
{
    private long _blob;
    private long _queue;
    private long _table;

    public long Blob => Interlocked.Read(ref _blob);
    public long Queue => Interlocked.Read(ref _queue);
    public long Table => Interlocked.Read(ref _table);
    public long Total => Blob + Queue + Table;

    public override void OnSendingRequest(HttpMessage message)
    {
        var uri = message.Request.Uri.ToUri();
        // Azurite puts the service in the port (10000/10001/10002); Azure puts it in the host name.
        var host = uri.Host;
        if (host.Contains(".table.", StringComparison.Ordinal) || uri.Port == TablePort)
        {
            Interlocked.Increment(ref _table);
            Telemetry.OmniTelemetry.RecordStorageOperation("table");
        }
        else if (host.Contains(".queue.", StringComparison.Ordinal) || uri.Port == QueuePort)
        {
            Interlocked.Increment(ref _queue);
            Telemetry.OmniTelemetry.RecordStorageOperation("queue");
        }
        else
        {
            Interlocked.Increment(ref _blob);
            Telemetry.OmniTelemetry.RecordStorageOperation("blob");
        }
    }

    /// <summary>Ports to classify local (Azurite) requests by; set from the connection string's endpoints.</summary>
    public int QueuePort { get; set; } = 10001;

    public int TablePort { get; set; } = 10002;

    public void Reset()
    {
        Interlocked.Exchange(ref _blob, 0);
        Interlocked.Exchange(ref _queue, 0);
        Interlocked.Exchange(ref _table, 0);
    }
}
