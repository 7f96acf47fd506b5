using Azure;
using Azure.Data.Tables;
using Omni.Services.Storage;

namespace Omni.Services.Tests.Storage;

/// <summary>
/// Table Storage's limits as Omni checks them, and which real storage failures (Azurite's answers) are deterministic
/// for the same input, so the normalizer quarantines the payload at once instead of retrying it into poison.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class TableLimitsTests(AzuriteFixture azurite)
{
    private async Task<TableClient> NewTableAsync()
    {
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("t" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateAsync();
        return table;
    }

    [Fact]
    public async Task DeterministicStorageRefusals_ArePermanent()
    {
        var table = await NewTableAsync();
        var refusals = new (string Expected, Func<Task> Write)[]
        {
            ("PropertyValueTooLarge", () => table.AddEntityAsync(new TableEntity("p", "r1") { ["Event"] = new string('x', 40_000) })),
            ("InvalidInput", () => table.AddEntityAsync(new TableEntity("p", new string('k', 600)))),
            ("EntityTooLarge", () => table.UpsertEntityAsync(Wide("r2", columns: 40, chars: 30_000), TableUpdateMode.Replace)), // Azurite checks an entity's size on updates only
            ("RequestBodyTooLarge", () => table.SubmitTransactionAsync(
                Enumerable.Range(0, 6).Select(i => new TableTransactionAction(TableTransactionActionType.Add, Wide($"b{i}", columns: 30, chars: 30_000))))),
        };

        foreach (var (expected, write) in refusals)
        {
            var failure = await Assert.ThrowsAnyAsync<RequestFailedException>(write);
            Assert.Equal(expected, failure.ErrorCode);
            Assert.True(TableLimits.IsPermanent(failure), $"{expected} should be permanent");
        }
    }

    [Fact]
    public async Task TransientOrStateFailures_AreRetried()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r"));
        var read = (await table.GetEntityAsync<TableEntity>("p", "r")).Value;
        await table.UpdateEntityAsync(read, read.ETag, TableUpdateMode.Replace); // the ETag read is stale now
        var conflict = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("p", "r")));
        var stale = await Assert.ThrowsAsync<RequestFailedException>(() => table.UpdateEntityAsync(read, read.ETag, TableUpdateMode.Replace));
        await table.DeleteAsync();
        var gone = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("p", "r2")));

        Assert.Equal((409, 412, 404), (conflict.Status, stale.Status, gone.Status));
        Assert.All(new[] { conflict, stale, gone }, f => Assert.False(TableLimits.IsPermanent(f)));
        Assert.False(TableLimits.IsPermanent(new TimeoutException()));
        Assert.True(TableLimits.IsPermanent(new StorageLimitException("too large")));
    }

    [Fact]
    public void Check_NamesTheRowAndWhatIsTooLarge()
    {
        var key = Assert.Throws<StorageLimitException>(() => TableLimits.Check(new TableEntity("p", "c|" + new string('k', 600))));
        Assert.Contains("RowKey is 602 characters, over the 512-character (1 KiB) limit", key.Message, StringComparison.Ordinal);

        var property = Assert.Throws<StorageLimitException>(() => TableLimits.Check(new TableEntity("p", "id|evt") { ["Event"] = new string('x', 40_000) }));
        Assert.Equal("row id|evt: property Event is 40,000 characters, over the 32,768-character (64 KiB) limit", property.Message);

        var entity = Assert.Throws<StorageLimitException>(() => TableLimits.Check(Wide("w", columns: 20, chars: 30_000)));
        Assert.Contains("over the 1 MiB limit", entity.Message, StringComparison.Ordinal);

        var transaction = Assert.Throws<StorageLimitException>(() => TableLimits.CheckTransaction(
            [.. Enumerable.Range(0, 5).Select(i => new TableTransactionAction(TableTransactionActionType.Add, Wide($"t{i}", columns: 15, chars: 30_000)))]));
        Assert.Contains("over the 4 MiB limit", transaction.Message, StringComparison.Ordinal);

        TableLimits.Check(Wide("ok", columns: 15, chars: 30_000)); // 900 KB: fits
    }

    [Fact]
    public async Task KeyPart_ShortValuesUnchanged_LongOnesBoundedDistinctAndUsableAsKeys()
    {
        Assert.Equal("5511999990001@s.whatsapp.net", TableKeys.Part("5511999990001@s.whatsapp.net"));
        Assert.Equal("a%2Fb%7Cc", TableKeys.Part("a/b|c"));

        var slashes = new string('/', 250) + "@s.whatsapp.net"; // 265 characters, 765 escaped
        var part = TableKeys.Part(slashes);
        Assert.Equal(TableKeys.MaxPartChars, part.Length);
        Assert.Contains("%~", part, StringComparison.Ordinal);
        Assert.Equal(part, TableKeys.Part(slashes));
        Assert.NotEqual(part, TableKeys.Part(new string('/', 251) + "@s.whatsapp.net"));
        Assert.True(TableKeys.Part(slashes, TableLimits.MaxKeyChars).Length <= TableLimits.MaxKeyChars);

        var emoji = string.Concat(Enumerable.Repeat("😀", 200));
        Assert.False(char.IsHighSurrogate(TableKeys.Part(emoji).Split("%~")[0][^1]));

        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", $"c|{part}|0000000000000000001|evt_demo_0123456789abcdef0123456789abcdef"));
        await table.AddEntityAsync(new TableEntity("p", TableKeys.Part(emoji)));
    }

    private static TableEntity Wide(string rowKey, int columns, int chars)
    {
        var entity = new TableEntity("p", rowKey);
        for (var i = 0; i < columns; i++)
        {
            entity[$"C{i}"] = new string('w', chars);
        }

        return entity;
    }
}
