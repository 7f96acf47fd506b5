using System.Net;
using System.Text;
using Azure.Storage.Blobs.Models;
using Omni.Engine.Webhooks;
using Omni.Local.Tests.Support;

namespace Omni.Local.Tests;

[Collection(UsesAzurite.Name)]
public sealed class WebhookIngestTests(AzuriteFixture azurite)
{
    private static readonly byte[] Body = EvolutionPayloads.Text("3EB0TESTINGEST01", "hello");

    private static async Task<int> ArchivedCountAsync(OmniHost host)
    {
        var count = 0;
        await foreach (var _ in host.Storage.RawArchive.GetBlobsAsync())
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task Post_WrongSecret_401AndNothingArchived()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        using var response = await host.PostWebhookAsync(Body, secret: "not-the-secret");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("\"code\":\"unauthorized\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await ArchivedCountAsync(host));
        Assert.Equal(0, (await host.Storage.IngestQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Post_MissingSecret_401()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        using var response = await host.PostWebhookAsync(Body, secret: null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await ArchivedCountAsync(host));
    }

    [Fact]
    public async Task Post_InstanceWithoutConfiguredSecret_401FailsClosed()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        // "nosecret" is configured with no WebhookSecret: even an empty secret header must not pass.
        using var empty = await host.PostWebhookAsync(Body, instance: "nosecret", secret: "");
        using var any = await host.PostWebhookAsync(Body, instance: "nosecret", secret: "anything");
        Assert.Equal(HttpStatusCode.Unauthorized, empty.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, any.StatusCode);
        Assert.Equal(0, await ArchivedCountAsync(host));
    }

    [Fact]
    public async Task Post_UnknownInstanceOrProvider_404()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        using var unknownInstance = await host.PostWebhookAsync(Body, instance: "nobody");
        using var wrongProvider = await host.PostWebhookAsync(Body, provider: "discord");
        Assert.Equal(HttpStatusCode.NotFound, unknownInstance.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, wrongProvider.StatusCode);
        Assert.Equal(0, await ArchivedCountAsync(host));
    }

    [Fact]
    public async Task Post_BodyOverLimit_413AndNothingArchived()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false,
            settings: new Dictionary<string, string?> { ["Omni:Ingest:MaxBodyBytes"] = "4096" });
        var big = Encoding.UTF8.GetBytes("{\"event\":\"messages.upsert\",\"data\":\"" + new string('x', 5000) + "\"}");
        using var response = await host.PostWebhookAsync(big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("payload_too_large", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await ArchivedCountAsync(host));

        // A body at the limit is still accepted.
        var fits = Encoding.UTF8.GetBytes("{\"a\":\"" + new string('x', 4096 - 8) + "\"}");
        Assert.Equal(4096, fits.Length);
        using var ok = await host.PostWebhookAsync(fits);
        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
    }

    [Fact]
    public async Task Post_ChunkedBodyOverLimit_413()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false,
            settings: new Dictionary<string, string?> { ["Omni:Ingest:MaxBodyBytes"] = "4096" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/evolution/demo")
        {
            // No Content-Length: the limit must be enforced while reading.
            Content = new StreamContent(new MemoryStream(new byte[10_000])),
        };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Add("x-webhook-secret", OmniHost.WebhookSecret);
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await ArchivedCountAsync(host));
    }

    [Fact]
    public async Task Post_ValidBearerJwt_202()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        var token = HmacJwt.Sign($$"""{"app":"evolution","action":"webhook","exp":{{exp}}}""", OmniHost.WebhookSecret);
        using var response = await host.PostWebhookAsync(Body, secret: null, bearer: token);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        using var forged = await host.PostWebhookAsync(Body, secret: null, bearer: HmacJwt.Sign($$"""{"exp":{{exp}}}""", "guessed"));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }

    [Fact]
    public async Task Post_Accepted_ArchivesBytesUnchangedWithMetadataAndEnqueuesClaimCheck()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var ingestId = await host.IngestAsync(Body);

        var blobs = new List<BlobItem>();
        await foreach (var item in host.Storage.RawArchive.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix: null, CancellationToken.None))
        {
            blobs.Add(item);
        }

        var blob = Assert.Single(blobs);
        Assert.Matches($"^evolution/demo/\\d{{4}}/\\d{{2}}/\\d{{2}}/\\d{{2}}/{ingestId}$", blob.Name);
        Assert.Equal(ingestId, blob.Metadata["ingest_id"]);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", blob.Metadata["received_at"]);
        Assert.Equal("application/json", blob.Properties.ContentType);
        Assert.DoesNotContain(blob.Metadata.Values, v => v.Contains(OmniHost.WebhookSecret, StringComparison.Ordinal));

        var stored = await host.Storage.RawArchive.GetBlobClient(blob.Name).DownloadContentAsync();
        Assert.Equal(Body, stored.Value.Content.ToArray());

        var queued = (await host.Storage.IngestQueue.PeekMessagesAsync(10)).Value;
        var message = Assert.Single(queued);
        Assert.Contains(ingestId, message.MessageText, StringComparison.Ordinal);
        Assert.Contains(blob.Name, message.MessageText, StringComparison.Ordinal);
        Assert.DoesNotContain("hello", message.MessageText, StringComparison.Ordinal); // claim check, not payload
    }

    [Fact]
    public async Task Post_MalformedJson_202ThenQuarantinedWithReason()
    {
        await using var host = await OmniHost.StartAsync(azurite);
        var ingestId = await host.IngestAsync("{\"event\": \"messages.upsert\", \"data\": {"u8.ToArray());

        var letters = await OmniHost.EventuallyAsync(() => host.ListDeadLettersAsync(), l => l.Count == 1, "the dead letter");
        var letter = letters[0];
        Assert.Equal(ingestId, letter.GetProperty("ingest_id").GetString());
        Assert.Equal("normalize", letter.GetProperty("stage").GetString());
        Assert.Contains("JSON", letter.GetProperty("reason").GetString()!, StringComparison.Ordinal);
        Assert.Empty(await host.ListEventsAsync());

        // The archive still holds the bytes.
        var blobName = letter.GetProperty("blob_name").GetString()!;
        Assert.True((await host.Storage.RawArchive.GetBlobClient(blobName).ExistsAsync()).Value);
    }
}
