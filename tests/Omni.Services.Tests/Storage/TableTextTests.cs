using Azure.Data.Tables;
using Omni.Services.Storage;

namespace Omni.Services.Tests.Storage;

/// <summary>Long texts round-trip through Azurite's table service split over columns, and shrinking one leaves no stale column.</summary>
[Collection(UsesAzurite.Name)]
public sealed class TableTextTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task LongText_SpansColumns_RoundTripsAndShrinksCleanly()
    {
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("t" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateAsync();
        var long1 = string.Concat(Enumerable.Range(0, 100_000).Select(i => (char)('a' + (i % 26)))) + "ã✓";
        var row = new TableEntity("p", "r");
        TableText.Write(row, "History", long1);
        await table.AddEntityAsync(row);

        var stored = (await table.GetEntityAsync<TableEntity>("p", "r")).Value;
        Assert.Equal(long1, TableText.Read(stored, "History"));
        Assert.True(stored.ContainsKey("History_3"));

        TableText.Write(stored, "History", "[]");
        await table.UpdateEntityAsync(stored, stored.ETag, TableUpdateMode.Replace);
        var shrunk = (await table.GetEntityAsync<TableEntity>("p", "r")).Value;
        Assert.Equal("[]", TableText.Read(shrunk, "History"));
        Assert.False(shrunk.ContainsKey("History_1"));
        Assert.Null(TableText.Read(shrunk, "Audit"));
    }

    [Fact]
    public void TextBeyondAnEntity_ThrowsAClearError()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            TableText.Write(new TableEntity("p", "r"), "History", new string('x', (TableText.MaxChunks * TableText.ChunkChars) + 1)));
        Assert.Contains("History is 360001 characters", e.Message, StringComparison.Ordinal);
    }
}
