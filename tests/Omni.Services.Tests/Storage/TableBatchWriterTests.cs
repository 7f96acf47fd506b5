using System.Net;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Data.Tables.Sas;
using Omni.Services.Configuration;
using Omni.Services.Storage;

namespace Omni.Services.Tests.Storage;

/// <summary>
/// <see cref="TableBatchWriter"/> against a real Azurite: what it writes reads back exactly as what the SDK's
/// <c>SubmitTransactionAsync</c> writes, and it fails as the SDK does (index, status, error code), so the event store's
/// idempotency (409 on an existing row) and conflict handling (412 on a stale ETag) keep working.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class TableBatchWriterTests(AzuriteFixture azurite)
{
    private async Task<(OmniStorage Storage, StorageOperationCounter Counter, TableClient Table)> NewTableAsync()
    {
        var counter = new StorageOperationCounter { QueuePort = azurite.QueuePort, TablePort = azurite.TablePort };
        var storage = new OmniStorage(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = "bw" + Guid.NewGuid().ToString("N")[..8] }, counter);
        var table = storage.Tables.GetTableClient("t" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateAsync();
        counter.Reset();
        return (storage, counter, table);
    }

    /// <summary>Every type an Omni row holds, and the awkward strings: quotes, JSON, line breaks, non-ASCII, a key with <c>'</c> and <c>%</c>.</summary>
    private static TableEntity Sample(string partition, string rowKey) => new(partition, rowKey)
    {
        ["Text"] = "plain \"quoted\" \\ back\nline\ttab <html> & 'single' é 日本 🎉",
        ["Event"] = """{"event_id":"evt_1","text":"he said \"hi\"\n","nested":{"a":[1,2,3]}}""",
        ["Empty"] = "",
        ["Flag"] = true,
        ["Off"] = false,
        ["Small"] = 42,
        ["Count"] = 9_007_199_254_740_993L, // beyond a double's exact integers
        ["Negative"] = -5L,
        ["Ms"] = 12.5,
        ["Whole"] = 3.0,
        ["At"] = new DateTimeOffset(2026, 12, 5, 8, 38, 3, TimeSpan.FromHours(2)).AddTicks(1234567),
        ["When"] = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        ["Id"] = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        ["Bytes"] = new byte[] { 0, 1, 2, 250, 255 },
        ["Absent"] = null,
    };

    [Fact]
    public async Task RoundTrip_EveryPropertyType_ReadsBackAsTheSdkWritesIt()
    {
        var (storage, _, table) = await NewTableAsync();
        const string partition = "inst%7C'1";
        var ours = Sample(partition, "t|0001|evt's 1 é");
        var sdk = Sample(partition, "t|0002|sdk");

        var etags = await storage.Transactions.SubmitAsync(table.Name, [new TableTransactionAction(TableTransactionActionType.Add, ours)], CancellationToken.None);
        await table.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.Add, sdk)]);

        var read = (await table.GetEntityAsync<TableEntity>(partition, ours.RowKey)).Value;
        var reference = (await table.GetEntityAsync<TableEntity>(partition, sdk.RowKey)).Value;
        Assert.Equal(read.ETag, etags[0]);
        Assert.False(read.ContainsKey("Absent"));
        foreach (var name in ours.Keys.Where(k => k is not ("PartitionKey" or "RowKey" or "Absent")))
        {
            Assert.Equal(reference[name]?.GetType(), read[name]?.GetType());
            Assert.Equal(reference[name], read[name]);
        }

        Assert.Equal(ours["Text"], read.GetString("Text"));
        Assert.Equal(9_007_199_254_740_993L, read.GetInt64("Count"));
        Assert.Equal(12.5, read.GetDouble("Ms"));
        Assert.Equal(3.0, read.GetDouble("Whole"));
        Assert.Equal(((DateTimeOffset)ours["At"]).UtcDateTime, read.GetDateTimeOffset("At")!.Value.UtcDateTime);
        Assert.Equal(new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc), read.GetDateTime("When"));
        Assert.Equal(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), read.GetGuid("Id"));
        Assert.Equal(new byte[] { 0, 1, 2, 250, 255 }, read.GetBinary("Bytes"));
        Assert.Equal(42, read.GetInt32("Small"));
        Assert.Equal(true, read.GetBoolean("Flag"));
    }

    [Fact]
    public async Task EveryActionType_AppliesAllOrNothing_AndReturnsTheNewETags()
    {
        var (storage, _, table) = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "replace") { ["V"] = 1 });
        await table.AddEntityAsync(new TableEntity("p", "merge") { ["V"] = 1, ["Keep"] = "kept" });
        await table.AddEntityAsync(new TableEntity("p", "delete"));
        var current = (await table.GetEntityAsync<TableEntity>("p", "replace")).Value;

        var etags = await storage.Transactions.SubmitAsync(table.Name,
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "add") { ["V"] = 2 }),
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("p", "replace") { ["V"] = 2 }, current.ETag),
            new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity("p", "merge") { ["V"] = 2 }),
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", "upsert") { ["V"] = 2 }),
            new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity("p", "upsert-merge") { ["V"] = 2 }),
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("p", "delete")),
        ], CancellationToken.None);

        var rows = new Dictionary<string, TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == "p"))
        {
            rows[row.RowKey] = row;
        }

        Assert.Equal(["add", "merge", "replace", "upsert", "upsert-merge"], rows.Keys.Order());
        Assert.All(rows.Values, r => Assert.Equal(2, r.GetInt32("V")));
        Assert.Equal("kept", rows["merge"].GetString("Keep"));
        Assert.Equal(6, etags.Count);
        Assert.Equal(rows["add"].ETag, etags[0]);
        Assert.Equal(rows["replace"].ETag, etags[1]);
        Assert.Equal(rows["upsert"].ETag, etags[3]);
    }

    [Fact]
    public async Task FailingSubRequest_ReportsItsIndexAndCode_AndAppliesNothing()
    {
        var (storage, _, table) = await NewTableAsync();
        var failure = await Assert.ThrowsAsync<TableTransactionFailedException>(() => storage.Transactions.SubmitAsync(table.Name,
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "a")),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "b")),
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("p", "missing"), ETag.All),
        ], CancellationToken.None));

        Assert.Equal((2, 404, "ResourceNotFound"), (failure.FailedTransactionActionIndex, failure.Status, failure.ErrorCode));
        Assert.False((await table.GetEntityIfExistsAsync<TableEntity>("p", "a")).HasValue);
    }

    [Fact]
    public async Task ExistingRow_Fails409EntityAlreadyExists_StaleETag412_AsTheSdkReportsThem()
    {
        var (storage, _, table) = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "exists"));
        var stale = (await table.GetEntityAsync<TableEntity>("p", "exists")).Value.ETag;
        await table.UpsertEntityAsync(new TableEntity("p", "exists") { ["V"] = 1 }, TableUpdateMode.Replace);

        TableTransactionAction[] duplicate =
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "new")),
            new(TableTransactionActionType.Add, new TableEntity("p", "exists")),
        ];
        var ours = await Assert.ThrowsAsync<TableTransactionFailedException>(() => storage.Transactions.SubmitAsync(table.Name, duplicate, CancellationToken.None));
        var sdk = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(duplicate));
        Assert.Equal((1, 409, "EntityAlreadyExists"), (ours.FailedTransactionActionIndex, ours.Status, ours.ErrorCode));
        Assert.Equal((sdk.FailedTransactionActionIndex, sdk.Status, sdk.ErrorCode), (ours.FailedTransactionActionIndex, ours.Status, ours.ErrorCode));

        var conflict = await Assert.ThrowsAsync<TableTransactionFailedException>(() => storage.Transactions.SubmitAsync(table.Name,
            [new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("p", "exists") { ["V"] = 2 }, stale)], CancellationToken.None));
        Assert.Equal((0, 412), (conflict.FailedTransactionActionIndex, conflict.Status));
        Assert.False(TableLimits.IsPermanent(ours));
        Assert.False(TableLimits.IsPermanent(conflict));
        Assert.False((await table.GetEntityIfExistsAsync<TableEntity>("p", "new")).HasValue);
    }

    [Fact]
    public async Task OverLimit_RefusedBeforeSending()
    {
        var (storage, counter, table) = await NewTableAsync();
        var tooMany = Enumerable.Range(0, 101).Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"r{i:D3}"))).ToList();
        var tooLarge = Enumerable.Range(0, 5).Select(i => new TableTransactionAction(TableTransactionActionType.Add, Wide($"w{i}"))).ToList();
        var property = new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "x") { ["Event"] = new string('x', 40_000) });

        var entities = await Assert.ThrowsAsync<StorageLimitException>(() => storage.Transactions.SubmitAsync(table.Name, tooMany, CancellationToken.None));
        var bytes = await Assert.ThrowsAsync<StorageLimitException>(() => storage.Transactions.SubmitAsync(table.Name, tooLarge, CancellationToken.None));
        var value = await Assert.ThrowsAsync<StorageLimitException>(() => storage.Transactions.SubmitAsync(table.Name, [property], CancellationToken.None));

        Assert.Contains("100-entity limit", entities.Message, StringComparison.Ordinal);
        Assert.Contains("4 MiB", bytes.Message, StringComparison.Ordinal);
        Assert.Contains("property Event", value.Message, StringComparison.Ordinal);
        Assert.Equal(0, counter.Total); // nothing was sent
    }

    [Fact]
    public async Task Transaction_IsCountedAsOneTableOperation()
    {
        var (storage, counter, table) = await NewTableAsync();
        var actions = Enumerable.Range(0, 9).Select(i => new TableTransactionAction(TableTransactionActionType.Add, Sample("p", $"r{i}"))).ToList();

        await storage.Transactions.SubmitAsync(table.Name, actions, CancellationToken.None);

        Assert.Equal((1, 1), (counter.Table, counter.Total));
        Assert.Equal(1, counter.Count(StorageBillingClass.Table));
    }

    /// <summary>A connection string with a SAS instead of a key (the table service's endpoint and the signature) works too.</summary>
    [Fact]
    public async Task ConnectionStringWithSas_Authenticates()
    {
        var (storage, _, table) = await NewTableAsync();
        var sas = storage.Tables.GenerateSasUri(TableAccountSasPermissions.All, TableAccountSasResourceTypes.All, DateTimeOffset.UtcNow.AddHours(1));
        var connectionString = $"TableEndpoint={storage.Tables.Uri.AbsoluteUri.TrimEnd('/')};SharedAccessSignature={sas.Query.TrimStart('?')}";
        var service = new TableServiceClient(connectionString);
        var writer = TableBatchWriter.FromConnectionString(connectionString, service.Uri, service.AccountName, new TableClientOptions());

        await writer.SubmitAsync(table.Name, [new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "sas"))], CancellationToken.None);

        Assert.True((await table.GetEntityIfExistsAsync<TableEntity>("p", "sas")).HasValue);
    }

    /// <summary>
    /// With a managed identity (production: no shared keys) the request carries a bearer token for Azure Storage, as
    /// <c>TableClient</c>'s does. Azurite takes tokens only over HTTPS, so this checks what is sent, not how Azure answers.
    /// </summary>
    [Fact]
    public async Task ManagedIdentity_SendsABearerTokenForAzureStorage()
    {
        using var handler = new Recorder();
        var options = new TableClientOptions { Transport = new HttpClientTransport(new HttpClient(handler)) };
        var writer = TableBatchWriter.FromCredential(new ScopeEchoCredential(), new Uri("https://account.table.core.windows.net/"), options);

        var refused = await Assert.ThrowsAsync<RequestFailedException>(() => writer.SubmitAsync("Events",
            [new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "r"))], CancellationToken.None));

        Assert.Equal((403, "AuthorizationPermissionMismatch"), (refused.Status, refused.ErrorCode));
        Assert.Equal("https://account.table.core.windows.net/$batch", handler.Uri?.AbsoluteUri);
        Assert.Equal("Bearer token-for:https://storage.azure.com/.default", handler.Authorization);
        Assert.StartsWith("multipart/mixed; boundary=batch_", handler.ContentType, StringComparison.Ordinal);
    }

    private sealed class ScopeEchoCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("token-for:" + string.Join(' ', requestContext.Scopes), DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }

    /// <summary>Records the request and answers as Azure does to a token without the data role.</summary>
    private sealed class Recorder : HttpMessageHandler
    {
        public Uri? Uri { get; private set; }
        public string? Authorization { get; private set; }
        public string? ContentType { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Uri = request.RequestUri;
            Authorization = request.Headers.Authorization?.ToString();
            ContentType = request.Content?.Headers.ContentType?.ToString();
            var response = new HttpResponseMessage(HttpStatusCode.Forbidden) { Content = new StringContent("") };
            response.Headers.Add("x-ms-error-code", "AuthorizationPermissionMismatch");
            return Task.FromResult(response);
        }
    }

    /// <summary>~900 KB: an entity that fits, five of which do not fit one transaction.</summary>
    private static TableEntity Wide(string rowKey)
    {
        var entity = new TableEntity("p", rowKey);
        for (var i = 0; i < 15; i++)
        {
            entity[$"C{i}"] = new string('w', 30_000);
        }

        return entity;
    }
}
