using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Json;
using Omni.Local.Queue;
using Omni.Services.Storage;

namespace Omni.Local.Tests.Support;

/// <summary>
/// A real Omni.Local on a free loopback port against the shared Azurite, with the storage names of one test.
/// Start a second one with the same <see cref="Prefix"/> to play "the host restarted".
/// </summary>
public sealed class OmniHost : IAsyncDisposable
{
    public const string Instance = "demo";
    public const string WebhookSecret = "test-webhook-secret";
    public const string QueryKey = "test-query-key";

    private readonly WebApplication _app;

    private OmniHost(WebApplication app, string prefix, Uri baseAddress)
    {
        _app = app;
        Prefix = prefix;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Add("x-functions-key", QueryKey);
    }

    public string Prefix { get; }

    /// <summary>Sends the query key on every request; webhook posts add their own headers.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public OmniStorage Storage => Services.GetRequiredService<OmniStorage>();

    public IngestQueueConsumer Consumer => Services.GetRequiredService<IngestQueueConsumer>();

    /// <summary>An unscoped query key without the <c>raw</c> scope, as an agent would hold.</summary>
    public const string AgentKey = "agent-key-for-tests";

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..10];

    public static async Task<OmniHost> StartAsync(
        AzuriteFixture azurite, string? prefix = null, bool consumer = true, IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        prefix ??= NewPrefix();
        var config = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Omni:Storage:ConnectionString"] = azurite.ConnectionString,
            ["Omni:Storage:Prefix"] = prefix,
            [$"Omni:Instances:{Instance}:Provider"] = "evolution",
            [$"Omni:Instances:{Instance}:WebhookSecret"] = WebhookSecret,
            ["Omni:Instances:nosecret:Provider"] = "evolution",
            ["Omni:Keys:tests:Secret"] = QueryKey,
            ["Omni:Keys:tests:Scopes"] = "raw", // reads archived payloads as received; AgentKey does not
            ["Omni:Keys:agent:Secret"] = AgentKey,
            ["Omni:Normalizer:Enabled"] = consumer ? "true" : "false",
            ["Omni:Normalizer:VisibilityTimeout"] = "00:00:05",
            ["Omni:Normalizer:RetryDelay"] = "00:00:00",
            ["Omni:Normalizer:MaxPollInterval"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var app = OmniLocalApp.Build(["--environment", "Testing"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(config);
            configure?.Invoke(builder);
        });
        app.Services.GetRequiredService<StorageOperationCounter>().QueuePort = azurite.QueuePort;
        app.Services.GetRequiredService<StorageOperationCounter>().TablePort = azurite.TablePort;
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new OmniHost(app, prefix, new Uri(address));
    }

    public async Task<HttpResponseMessage> PostWebhookAsync(byte[] body, string instance = Instance, string? secret = WebhookSecret,
        string provider = "evolution", string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/{provider}/{instance}")
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (secret is not null)
        {
            request.Headers.Add("x-webhook-secret", secret);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>Posts and asserts 202; returns the ingest id.</summary>
    public async Task<string> IngestAsync(byte[] body, string instance = Instance)
    {
        using var response = await PostWebhookAsync(body, instance);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return json.GetProperty("ingest_id").GetString()!;
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<JsonElement>(text, OmniJson.Options);
    }

    /// <summary>The instance's events (all pages), newest first.</summary>
    public async Task<List<JsonElement>> ListEventsAsync(string instance = Instance, string? conversationId = null)
    {
        var events = new List<JsonElement>();
        string? continuation = null;
        do
        {
            var path = $"/api/events?instance={Uri.EscapeDataString(instance)}&limit=500" +
                       (conversationId is null ? "" : "&conversation_id=" + Uri.EscapeDataString(conversationId)) +
                       (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation));
            var page = await GetJsonAsync(path);
            events.AddRange(page.GetProperty("events").EnumerateArray());
            continuation = page.TryGetProperty("continuation", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        }
        while (continuation is not null);

        return events;
    }

    public async Task<List<JsonElement>> ListDeadLettersAsync(string instance = Instance)
    {
        var page = await GetJsonAsync($"/api/deadletters?instance={Uri.EscapeDataString(instance)}");
        return [.. page.GetProperty("dead_letters").EnumerateArray()];
    }

    /// <summary>Normalizes every queued payload (the ingest consumer, driven by hand) until the queue is empty.</summary>
    public async Task DrainIngestAsync()
    {
        while (await Consumer.DrainOnceAsync(CancellationToken.None) > 0)
        {
        }
    }

    /// <summary>Normalizes, then starts the workflows of every new event, until both queues are empty.</summary>
    public async Task DrainWorkflowsAsync()
    {
        var runs = Services.GetRequiredService<WorkflowRunConsumer>();
        while (await Consumer.DrainOnceAsync(CancellationToken.None) + await runs.DrainOnceAsync(CancellationToken.None) > 0)
        {
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds (the consumer runs in the background), failing after 20 s.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var value = await probe();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
