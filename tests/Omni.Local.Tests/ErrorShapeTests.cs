using System.Net;
using System.Text.Json;
using Omni.Local.Tests.Support;

namespace Omni.Local.Tests;

/// <summary>Answers no handler of Omni's produces (no route, wrong verb, a huge URL) still come in the error shape.</summary>
[Collection(UsesAzurite.Name)]
public sealed class ErrorShapeTests(AzuriteFixture azurite)
{
    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.False(string.IsNullOrEmpty(text), $"{(int)response.StatusCode} came with an empty body");
        return JsonSerializer.Deserialize<JsonElement>(text).GetProperty("error");
    }

    [Fact]
    public async Task Bug_ErrorsRaisedBeforeOmnisHandlersHaveEmptyBodies()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);

        using var noRoute = await host.Client.PostAsync("/api/webhooks/evolution/demo/extra", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.NotFound, noRoute.StatusCode);
        var notFound = await ErrorOf(noRoute);
        Assert.Equal("not_found", notFound.GetProperty("code").GetString());
        Assert.Equal("no route matches POST /api/webhooks/evolution/demo/extra; the routes are listed in /api/openapi.json",
            notFound.GetProperty("message").GetString());

        using var wrongVerb = await host.Client.DeleteAsync("/api/health");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongVerb.StatusCode);
        Assert.Equal("GET", wrongVerb.Content.Headers.Allow.Single());
        Assert.Equal("method_not_allowed", (await ErrorOf(wrongVerb)).GetProperty("code").GetString());

        // A 100,000-character instance name: Omni answers 414 itself instead of the web server's empty one.
        using var huge = await host.Client.PostAsync("/api/webhooks/evolution/" + new string('a', 100_000), new StringContent("{}"));
        Assert.Equal(HttpStatusCode.RequestUriTooLong, huge.StatusCode);
        var tooLong = await ErrorOf(huge);
        Assert.Equal("uri_too_long", tooLong.GetProperty("code").GetString());
        Assert.Equal("the URL is 100024 characters long; the limit is 8192", tooLong.GetProperty("message").GetString());
    }

    [Fact]
    public async Task LongButAllowedInstanceName_404EchoesItShortened()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        using var response = await host.PostWebhookAsync("{}"u8.ToArray(), instance: new string('b', 5000));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var message = (await ErrorOf(response)).GetProperty("message").GetString()!;
        Assert.Equal($"no evolution instance named '{new string('b', 100)}…' is configured", message);
    }
}
