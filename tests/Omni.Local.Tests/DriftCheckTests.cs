using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Json;
using Omni.Engine.Normalization;
using Omni.Engine.Normalization.Evolution;
using Omni.Local.Tests.Support;
using Omni.Services.Catalog;
using Omni.Services.Configuration;
using Omni.Services.Events;
using Omni.Services.Ingest;
using Omni.Services.Normalize;
using Omni.Services.Replay;

namespace Omni.Local.Tests;

/// <summary>
/// The drift check over a real archive on Azurite: events stored by the Evolution normalizer (version 1), then checked
/// against a version 2 that renames one provider field on one shape, as Evolution did with <c>senderPn</c>.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class DriftCheckTests(AzuriteFixture azurite)
{
    private const string Conversation = "messages.upsert/conversation";

    /// <summary>Version 2 of the Evolution mapping: plain text messages carry <c>key.remoteJidAlt</c> where version 1 had <c>key.remoteJid</c>.</summary>
    private sealed class RenamingNormalizer : IPayloadNormalizer
    {
        private readonly EvolutionNormalizer _inner = new();

        public string Provider => _inner.Provider;

        public int Version => EvolutionNormalizer.CurrentVersion + 1;

        public NormalizationResult Normalize(RawPayload payload)
        {
            var result = _inner.Normalize(payload);
            return result.IsQuarantined ? result : NormalizationResult.Ok([.. result.Events.Select(e => e.Shape == Conversation ? Renamed(e) : e)]);
        }

        private static Omni.Engine.Events.OmniEvent Renamed(Omni.Engine.Events.OmniEvent e)
        {
            var metadata = JsonNode.Parse(e.ProviderMetadata!.Value.GetRawText())!.AsObject();
            var key = metadata["key"]!.AsObject();
            var jid = key["remoteJid"]!.DeepClone();
            key.Remove("remoteJid");
            key["remoteJidAlt"] = jid;
            return e with { ProviderMetadata = JsonSerializer.SerializeToElement(metadata) };
        }
    }

    private async Task<OmniHost> SeedAsync()
    {
        var host = await OmniHost.StartAsync(azurite, consumer: false);
        await host.IngestAsync(EvolutionPayloads.Text("3EB0DRIFT000001", "first"));
        await host.IngestAsync(EvolutionPayloads.Text("3EB0DRIFT000002", "second", "5511999990002@s.whatsapp.net"));
        await host.IngestAsync(EvolutionPayloads.Image("3EB0DRIFT000003", "a photo", "5511999990001@s.whatsapp.net", 1764000100));
        await host.IngestAsync(EvolutionPayloads.Reaction("3EB0DRIFT000004", "3EB0DRIFT000001", "👍", "5511999990001@s.whatsapp.net", 1764000200));
        await host.DrainIngestAsync();
        return host;
    }

    private static DriftService DriftWith(OmniHost host, IPayloadNormalizer normalizer) =>
        new(host.Services.GetRequiredService<RawArchive>(), new NormalizerRegistry([normalizer]), host.Services.GetRequiredService<EventStore>());

    [Fact]
    public async Task RenamedFieldInVersion2_ShowsAsRenamedOnExactlyTheAffectedShape_WithCountsAndSamples()
    {
        await using var host = await SeedAsync();
        var now = DateTimeOffset.UtcNow;

        var report = await DriftWith(host, new RenamingNormalizer())
            .CheckAsync("evolution", OmniHost.Instance, now.AddHours(-1), now.AddMinutes(1), CancellationToken.None);

        Assert.Equal(2, report.NormalizerVersion);
        Assert.Equal(4, report.PayloadsRead);
        Assert.Equal(4, report.EventsCompared);
        Assert.Equal(2, report.EventsDiffering);
        Assert.True(report.Complete);
        Assert.Equal(new Dictionary<string, int> { ["1"] = 4 }, report.StoredNormalizerVersions);
        var changed = Assert.Single(report.Shapes, s => s.Fields.Count > 0);
        Assert.Equal(("evolution", Conversation), (changed.Provider, changed.Shape));
        var field = Assert.Single(changed.Fields);
        Assert.Equal(("provider_metadata.key.remoteJidAlt", FieldChange.Renamed, "provider_metadata.key.remoteJid", 2),
            (field.Field, field.Change, field.RenamedFrom, field.Count));
        var conversationIds = (await host.ListEventsAsync()).Where(e => e.GetProperty("shape").GetString() == Conversation)
            .Select(e => e.GetProperty("event_id").GetString()!).Order().ToList();
        Assert.Equal(conversationIds, field.SampleEventIds.Order().ToList());
        Assert.All(report.Shapes.Where(s => s.Shape != Conversation), s => Assert.Equal((1, 0), (s.EventsCompared, s.EventsDiffering)));
        Assert.Equal(3, report.Shapes.Count);
    }

    [Fact]
    public async Task SameNormalizer_NoDrift_OverHttp_AndWritesNothing()
    {
        await using var host = await SeedAsync();
        var before = await SnapshotAsync(host);

        using var response = await host.Client.PostAsync("/api/replay/drift",
            new StringContent("""{"instance": "demo", "since": "1h"}""", Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal(4, report.GetProperty("events_compared").GetInt32());
        Assert.Equal(0, report.GetProperty("events_differing").GetInt32());
        Assert.Equal(DriftService.MaxPayloads, report.GetProperty("max_payloads").GetInt32());
        Assert.All(report.GetProperty("shapes").EnumerateArray(), s => Assert.Empty(s.GetProperty("fields").EnumerateArray()));

        Assert.Equal(before, await SnapshotAsync(host));
    }

    [Fact]
    public async Task StoredEvents_RecordTheirNormalizerVersion_AndTheCatalogueFlagsShapesOfAnOlderVersion()
    {
        await using var host = await SeedAsync();
        var stored = await host.ListEventsAsync();
        Assert.All(stored, e => Assert.Equal(EvolutionNormalizer.CurrentVersion, e.GetProperty("normalizer_version").GetInt32()));
        var catalog = await host.GetJsonAsync("/api/catalog/demo");
        Assert.All(catalog.GetProperty("entries").EnumerateArray(), e => Assert.False(e.GetProperty("normalization_changed").GetBoolean()));

        var services = host.Services;
        var withVersion2 = new CatalogStore(services.GetRequiredService<Omni.Services.Storage.OmniStorage>(), services.GetRequiredService<AggregateRows>(),
            services.GetRequiredService<IWorkflowTriggerIndex>(), services.GetRequiredService<OmniOptions>(), new NormalizerRegistry([new RenamingNormalizer()]));
        var entries = await withVersion2.ListAsync(OmniHost.Instance, CancellationToken.None);
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal((1, 2, true), (e.OldestNormalizerVersion, e.CurrentNormalizerVersion, e.NormalizationChanged)));
    }

    [Theory]
    [InlineData("""{"since": "1h"}""", 400)]
    [InlineData("""{"instance": "demo"}""", 400)]
    [InlineData("""{"instance": "demo", "since": "yesterday"}""", 400)]
    [InlineData("""{"instance": "demo", "since": "1h", "from": "2026-01-01T00:00:00Z"}""", 400)]
    [InlineData("""{"instance": "demo", "since": "40d"}""", 400)]
    [InlineData("""{"instance": "demo", "from": "not a time"}""", 400)]
    [InlineData("""{"instance": "demo", "from": 1767225600}""", 400)]
    [InlineData("""not json""", 400)]
    [InlineData("""{"instance": "nowhere", "since": "1h"}""", 404)]
    public async Task BadRequests_AnswerTheErrorShape(string body, int status)
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        using var response = await host.Client.PostAsync("/api/replay/drift", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(status, (int)response.StatusCode);
        var error = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync()).GetProperty("error");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task KeyScopedToAnotherInstance_IsForbidden()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: new Dictionary<string, string?>
        {
            ["Omni:Keys:other:Secret"] = "other-instance-key",
            ["Omni:Keys:other:Instances"] = "nosecret",
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/replay/drift")
        {
            Content = new StringContent("""{"instance": "demo", "since": "1h"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Remove("x-functions-key");
        request.Headers.Add("x-functions-key", "other-instance-key");
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    /// <summary>Every entity (with its ETag), blob (with its ETag) and queue message count under the test's storage prefix.</summary>
    private static async Task<string> SnapshotAsync(OmniHost host)
    {
        var storage = host.Services.GetRequiredService<Omni.Services.Storage.OmniStorage>();
        var lines = new List<string>();
        await foreach (var table in storage.Tables.QueryAsync(t => t.Name.CompareTo(host.Prefix) >= 0 && t.Name.CompareTo(host.Prefix + "~") < 0))
        {
            await foreach (var row in storage.Tables.GetTableClient(table.Name).QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
            {
                lines.Add($"{table.Name}|{row.PartitionKey}|{row.RowKey}|{row.ETag}");
            }
        }

        await foreach (var container in storage.Blobs.GetBlobContainersAsync(prefix: host.Prefix.ToLowerInvariant()))
        {
            await foreach (var blob in storage.Blobs.GetBlobContainerClient(container.Name).GetBlobsAsync())
            {
                lines.Add($"{container.Name}|{blob.Name}|{blob.Properties.ETag}");
            }
        }

        await foreach (var queue in storage.Queues.GetQueuesAsync(prefix: host.Prefix.ToLowerInvariant()))
        {
            var properties = await storage.Queues.GetQueueClient(queue.Name).GetPropertiesAsync();
            lines.Add($"{queue.Name}|{properties.Value.ApproximateMessagesCount}");
        }

        Assert.NotEmpty(lines);
        return string.Join('\n', lines.Order(StringComparer.Ordinal));
    }
}
