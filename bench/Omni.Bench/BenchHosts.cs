using System.Net.Http.Headers;
using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Omni.Local;
using Omni.Local.Emulator;
using Omni.Local.Queue;
using Omni.Services.Configuration;
using Omni.Services.Storage;

namespace Omni.Bench;

/// <summary>Omni.Local on a given Azurite, as the bench drives it: over loopback HTTP, its queue consumer drained by hand or running.</summary>
internal sealed class OmniUnderTest : IAsyncDisposable
{
    public const string Instance = "bench";
    public const string Secret = "bench-secret";
    public const string QueryKey = "bench-query-key";

    private OmniUnderTest(WebApplication app, HttpClient http, QueueClient workflowRuns)
    {
        App = app;
        Http = http;
        WorkflowRuns = workflowRuns;
        Counter = app.Services.GetRequiredService<StorageOperationCounter>();
        Consumer = app.Services.GetRequiredService<IngestQueueConsumer>();
    }

    public WebApplication App { get; }
    public HttpClient Http { get; }
    public QueueClient WorkflowRuns { get; }
    public StorageOperationCounter Counter { get; }
    public IngestQueueConsumer Consumer { get; }

    /// <param name="normalizerRunning">Whether Omni.Local's hosted queue consumer runs (else the bench drains the ingest queue by hand).</param>
    /// <param name="runWorkflows">Whether the workflow runner runs with it (else the bench empties workflow-runs in its stead).</param>
    public static async Task<OmniUnderTest> StartAsync(Azurite azurite, int concurrency, bool normalizerRunning, bool runWorkflows = false)
    {
        var config = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Omni:Storage:ConnectionString"] = azurite.ConnectionString,
            ["Omni:Storage:Prefix"] = "bo",
            [$"Omni:Instances:{Instance}:Provider"] = "evolution",
            [$"Omni:Instances:{Instance}:WebhookSecret"] = Secret,
            ["Omni:Keys:bench:Secret"] = QueryKey,
            ["Omni:Normalizer:Enabled"] = normalizerRunning ? "true" : "false",
            ["Omni:Normalizer:RunWorkflows"] = runWorkflows ? "true" : "false",
            ["Omni:Reconcile:Enabled"] = "false", // its sweep (once a minute) is not what is measured
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var app = OmniLocalApp.Build(["--environment", "Benchmark"], b => b.Configuration.AddInMemoryCollection(config));
        var counter = app.Services.GetRequiredService<StorageOperationCounter>();
        counter.QueuePort = azurite.QueuePort;
        counter.TablePort = azurite.TablePort;
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { BaseAddress = new Uri(address) };
        var workflowRuns = new QueueClient(azurite.ConnectionString, app.Services.GetRequiredService<OmniStorage>().Names.WorkflowRunsQueue);
        await workflowRuns.CreateIfNotExistsAsync();
        return new OmniUnderTest(app, http, workflowRuns);
    }

    public async Task PostAsync(byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/evolution/{Instance}") { Content = content };
        request.Headers.Add("x-webhook-secret", Secret);
        using var response = await Http.SendAsync(request);
        if ((int)response.StatusCode != 202)
        {
            throw new InvalidOperationException($"ingest answered {(int)response.StatusCode}");
        }
    }

    /// <summary>
    /// Drains the ingest queue with Omni.Local's consumer, batch by batch. The runner is off (it is not what is measured),
    /// so nothing consumes workflow-runs; the bench empties it after every batch in its stead (one request, not counted),
    /// because in Azurite every waiting message slows every queue operation of the account.
    /// </summary>
    public async Task<int> DrainAsync()
    {
        var total = 0;
        int received;
        while ((received = await Consumer.DrainOnceAsync(CancellationToken.None)) > 0)
        {
            total += received;
            await WorkflowRuns.ClearMessagesAsync();
        }

        return total;
    }

    /// <summary>Empties workflow-runs every <paramref name="interval"/> until cancelled (the runner's stead while the consumer runs by itself).</summary>
    public async Task EmptyWorkflowRunsAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await WorkflowRuns.ClearMessagesAsync(CancellationToken.None);
            await Task.Delay(interval, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>The bare storage operations Omni's ingest and normalize are built on, with the same client settings.</summary>
internal sealed class BareUnderTest
{
    private BareUnderTest(OmniStorage storage) => Storage = storage;

    public OmniStorage Storage { get; }

    public StorageOperationCounter Counter { get; } = new();

    public static async Task<BareUnderTest> StartAsync(Azurite azurite)
    {
        var counter = new StorageOperationCounter { QueuePort = azurite.QueuePort, TablePort = azurite.TablePort };
        var bare = new BareUnderTest(new OmniStorage(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = "bb" }, counter));
        await bare.Storage.EnsureCreatedAsync();
        return bare;
    }

    /// <summary>Blob put + queue put.</summary>
    public async Task PutAsync(byte[] body, string name)
    {
        await Storage.RawArchive.GetBlobClient(name).UploadAsync(new BinaryData(body),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } });
        await Storage.IngestQueue.SendMessageAsync(name);
    }

    /// <summary>The storage skeleton of normalizing: receive 16, then per message get the blob, insert a row, delete the message.</summary>
    public async Task<int> NormalizeAsync(int expected)
    {
        var total = 0;
        while (total < expected)
        {
            var batch = (await Storage.IngestQueue.ReceiveMessagesAsync(16, TimeSpan.FromSeconds(30))).Value;
            if (batch.Length == 0)
            {
                break;
            }

            await Task.WhenAll(batch.Select(async m =>
            {
                var blob = await Storage.RawArchive.GetBlobClient(m.MessageText).DownloadContentAsync();
                await Storage.Events.AddEntityAsync(new Azure.Data.Tables.TableEntity("bench", m.MessageText) { ["Event"] = blob.Value.Content.ToString() });
                await Storage.IngestQueue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }));
            total += batch.Length;
        }

        return total;
    }
}

/// <summary>Evolution <c>messages.upsert</c> text payloads from 97 senders, distinct message ids.</summary>
internal static class Payloads
{
    public const int Senders = 97;

    public static string MessageId(string prefix, int i) => $"{prefix}{i:D10}";

    public static byte[][] Make(string prefix, int count, int offset = 0) =>
        Enumerable.Range(offset, count).Select(i => Payload(MessageId(prefix, i), i)).ToArray();

    private static byte[] Payload(string id, int i) => Encoding.UTF8.GetBytes($$"""
        {"event":"messages.upsert","instance":"bench","data":{"key":{"remoteJid":"55119{{i % Senders:D8}}@s.whatsapp.net","fromMe":false,"id":"{{id}}"},
        "pushName":"Bench Sender","message":{"conversation":"benchmark message {{i}}"},"messageType":"conversation",
        "messageTimestamp":{{1764000000 + i}},"instanceId":"00000000-0000-0000-0000-000000000001","source":"android"},
        "date_time":"2025-11-24T12:00:00.000Z","sender":"5511988880000@s.whatsapp.net","apikey":"bench"}
        """);
}
