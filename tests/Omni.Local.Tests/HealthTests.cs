using System.Net;
using System.Text.Json;
using Omni.Engine.Json;
using Omni.Local.Tests.Support;

namespace Omni.Local.Tests;

[Collection(UsesAzurite.Name)]
public sealed class HealthTests(AzuriteFixture azurite)
{
    private static readonly Dictionary<string, string?> NoCache = new() { ["Omni:Health:CacheFor"] = "00:00:00" };

    /// <summary>Health is anonymous: no query key is sent.</summary>
    private static async Task<(HttpStatusCode Status, JsonElement Body, string Text)> GetHealthAsync(OmniHost host)
    {
        using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress };
        using var response = await anonymous.GetAsync("/api/health");
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonSerializer.Deserialize<JsonElement>(text, OmniJson.Options), text);
    }

    [Fact]
    public async Task Health_WorkingStorage_200HealthyWithDepthsAndLastNormalizedTime()
    {
        await using var host = await OmniHost.StartAsync(azurite, settings: NoCache);

        var (status, body, text) = await GetHealthAsync(host);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Empty(body.GetProperty("failing").EnumerateArray());
        foreach (var check in new[] { "blob", "queue", "workflow_runs", "poison", "workflow_runs_poison", "table" })
        {
            Assert.Equal("healthy", body.GetProperty("checks").GetProperty(check).GetProperty("status").GetString());
        }

        Assert.Equal(0, body.GetProperty("checks").GetProperty("queue").GetProperty("depth").GetInt64());
        Assert.Equal(0, body.GetProperty("checks").GetProperty("workflow_runs").GetProperty("depth").GetInt64());
        Assert.Equal(0, body.GetProperty("checks").GetProperty("poison").GetProperty("depth").GetInt64());
        Assert.False(body.TryGetProperty("last_normalized_at", out _), text);

        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await host.IngestAsync(EvolutionPayloads.Text("3EB0HEALTH000001", "hello"));
        await OmniHost.EventuallyAsync(() => host.ListEventsAsync(), e => e.Count == 1, "the event");

        // The heartbeat is noted just after the event's transaction, so the event can be listed a moment before it.
        (status, body, text) = await OmniHost.EventuallyAsync(() => GetHealthAsync(host),
            h => h.Body.TryGetProperty("last_normalized_at", out _), "last_normalized_at in the health report");
        Assert.Equal(HttpStatusCode.OK, status);
        var last = body.GetProperty("last_normalized_at").GetDateTimeOffset();
        Assert.InRange(last, before, DateTimeOffset.UtcNow.AddSeconds(1));

        // Anonymous, so nothing that names the deployment: no instance, no storage names, no secrets.
        Assert.DoesNotContain(OmniHost.Instance, text, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Prefix, text, StringComparison.Ordinal);
        Assert.DoesNotContain(OmniHost.WebhookSecret, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_LastNormalizedTime_IsSharedThroughStorageWithAnotherHost()
    {
        var prefix = OmniHost.NewPrefix();
        await using (var worker = await OmniHost.StartAsync(azurite, prefix))
        {
            await worker.IngestAsync(EvolutionPayloads.Text("3EB0HEALTH000002", "hello"));
            await OmniHost.EventuallyAsync(() => worker.ListEventsAsync(), e => e.Count == 1, "the event");
            // The heartbeat is written just after the event is stored: stopping the worker before that would cancel it.
            await OmniHost.EventuallyAsync(
                async () => (await worker.Storage.Events.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(
                    Omni.Services.Operations.NormalizerHeartbeat.PartitionKey, Omni.Services.Operations.NormalizerHeartbeat.RowKey)).HasValue,
                written => written, "the heartbeat row");
        }

        // Another process (a Functions instance that never ran the normalizer) reads the heartbeat row.
        await using var reader = await OmniHost.StartAsync(azurite, prefix, consumer: false, settings: NoCache);
        var (status, body, _) = await GetHealthAsync(reader);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.TryGetProperty("last_normalized_at", out var last));
        Assert.InRange(last.GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task Health_RawArchiveContainerGone_503NamingTheBlobCheck()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: NoCache);
        await host.Storage.RawArchive.DeleteAsync();

        var (status, body, text) = await GetHealthAsync(host);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        Assert.Equal(new[] { "blob" }, body.GetProperty("failing").EnumerateArray().Select(f => f.GetString()!).ToArray());
        Assert.Contains("does not exist", body.GetProperty("checks").GetProperty("blob").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.Prefix, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_QueueDepthsOverTheirLimits_503WithTheDepths()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: new Dictionary<string, string?>(NoCache)
        {
            ["Omni:Health:MaxIngestQueueDepth"] = "1",
            ["Omni:Health:MaxPoisonQueueDepth"] = "0",
        });
        await host.IngestAsync(EvolutionPayloads.Text("3EB0HEALTH000003", "one"));
        var (status, _, text) = await GetHealthAsync(host);
        Assert.True(status == HttpStatusCode.OK, text); // one waiting: at the limit, not over it

        await host.IngestAsync(EvolutionPayloads.Text("3EB0HEALTH000004", "two"));
        await host.Storage.IngestPoisonQueue.SendMessageAsync("{}");
        var runsPoison = host.Storage.Queues.GetQueueClient(host.Storage.Names.WorkflowRunsPoisonQueue);
        await runsPoison.CreateIfNotExistsAsync();
        await runsPoison.SendMessageAsync("{}");
        (status, var body, text) = await GetHealthAsync(host);
        Assert.True(status == HttpStatusCode.ServiceUnavailable, text);
        Assert.Equal(new[] { "queue", "poison", "workflow_runs_poison" }, body.GetProperty("failing").EnumerateArray().Select(f => f.GetString()!).ToArray());
        Assert.Equal(2, body.GetProperty("checks").GetProperty("queue").GetProperty("depth").GetInt64());
        Assert.Equal(1, body.GetProperty("checks").GetProperty("poison").GetProperty("depth").GetInt64());
        Assert.Equal(1, body.GetProperty("checks").GetProperty("workflow_runs_poison").GetProperty("depth").GetInt64());
    }

    [Fact]
    public async Task Bug_HealthStaysHealthyWithMessagesInPoison()
    {
        // No thresholds configured: the defaults apply (any poisoned message, 1,000 waiting).
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: NoCache);
        var runsPoison = host.Storage.Queues.GetQueueClient(host.Storage.Names.WorkflowRunsPoisonQueue);
        await runsPoison.CreateIfNotExistsAsync();
        await runsPoison.SendMessageAsync("{}");

        var (status, body, text) = await GetHealthAsync(host);
        Assert.True(status == HttpStatusCode.ServiceUnavailable, text);
        Assert.Equal(["workflow_runs_poison"], body.GetProperty("failing").EnumerateArray().Select(f => f.GetString()!));
        Assert.Equal("1 messages waiting; the limit is 0", body.GetProperty("checks").GetProperty("workflow_runs_poison").GetProperty("error").GetString());
    }

    [Fact]
    public async Task Health_WorkflowRunsQueueOverItsLimit_503()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: new Dictionary<string, string?>(NoCache)
        {
            ["Omni:Health:MaxWorkflowRunsQueueDepth"] = "1",
        });
        var runs = host.Storage.Queues.GetQueueClient(host.Storage.Names.WorkflowRunsQueue);
        await runs.CreateIfNotExistsAsync();
        await runs.SendMessageAsync("{}");
        var (status, _, text) = await GetHealthAsync(host);
        Assert.True(status == HttpStatusCode.OK, text); // at the limit

        await runs.SendMessageAsync("{}");
        (status, var body, text) = await GetHealthAsync(host);
        Assert.True(status == HttpStatusCode.ServiceUnavailable, text);
        Assert.Equal(["workflow_runs"], body.GetProperty("failing").EnumerateArray().Select(f => f.GetString()!));
        Assert.Equal(2, body.GetProperty("checks").GetProperty("workflow_runs").GetProperty("depth").GetInt64());
    }

    [Fact]
    public async Task Health_RepeatedWithinTheCacheWindow_AnswersTheSameReport()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: new Dictionary<string, string?> { ["Omni:Health:CacheFor"] = "00:05:00" });
        var (_, first, _) = await GetHealthAsync(host);
        await host.IngestAsync(EvolutionPayloads.Text("3EB0HEALTH000005", "one"));
        var (_, second, _) = await GetHealthAsync(host);

        Assert.Equal(first.GetProperty("checked_at").GetString(), second.GetProperty("checked_at").GetString());
        Assert.Equal(0, second.GetProperty("checks").GetProperty("queue").GetProperty("depth").GetInt64());
    }
}
