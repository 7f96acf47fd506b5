using Azure.Data.Tables;
using Omni.Services.Storage;

namespace Omni.Services.Actions.Guards;

/// <summary>The table <c>Guards</c> the stateful guards keep their rows in (rate-limit counters, debounce's latest events), created on first use.</summary>
public sealed class GuardsTable(OmniStorage storage)
{
    private volatile bool _ready;

    public TableClient Table { get; } = storage.Tables.GetTableClient(storage.Names.GuardsTable);

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (!_ready)
        {
            await Table.CreateIfNotExistsAsync(cancellationToken);
            _ready = true;
        }
    }
}
