using System.Security.Cryptography;
using System.Text;
using Omni.Services.Actions;
using Omni.Services.Actions.Notify;
using Omni.Services.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Omni.Services.Tests.Actions;

/// <summary><c>meta.notify.webhook</c> and <c>route.escalate.human</c> against a WireMock receiver.</summary>
[Collection(UsesAzurite.Name)]
public sealed class NotifyTests(AzuriteFixture azurite)
{
    private static void Receive(ActionsHost host, string path, int status = 204, string? retryAfter = null)
    {
        var response = Response.Create().WithStatusCode(status);
        if (retryAfter is not null)
        {
            response = response.WithHeader("Retry-After", retryAfter);
        }

        host.Server.Given(Request.Create().WithPath(path)).RespondWith(response);
    }

    private static string Hmac(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    [Fact]
    public async Task Webhook_JsonBody_SentAsIsWithSignatureAndIdempotencyKey()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Receive(host, "/hooks/crm");
        var e = ActionsHost.TextEvent();
        const string body = """{"lead":"5511999990001","note":"asked for a call"}""";

        var outcome = await host.Executor<NotifyWebhookExecutor>().ExecuteAsync(
            ActionsHost.Invocation(NotifyWebhookExecutor.Id, e, new { url = host.Url + "/hooks/crm?token=abc", body }, runId: "run-9", stepId: "notify"),
            CancellationToken.None);

        var request = host.Server.OnlyRequest("/hooks/crm");
        Assert.Equal("POST", request.Method());
        Assert.Equal(body, Encoding.UTF8.GetString(request.BodyBytes()));
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal(Hmac(ActionsHost.NotifySecret, request.BodyBytes()), request.Header(WebhookNotifier.SignatureHeader));
        Assert.Equal("run-9/notify", request.Header("idempotency-key"));
        Assert.Equal(e.EventId, request.Header("x-omni-event-id"));
        Assert.Equal(204, outcome.Output.GetProperty("status_code").GetInt32());
        Assert.Equal(host.Url + "/hooks/crm", outcome.OutputString("url")); // no query: it may carry a token
    }

    [Fact]
    public async Task Webhook_TextBody_WrappedAsJsonText_PutMethod()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Receive(host, "/hooks/text", 200);

        await host.Executor<NotifyWebhookExecutor>().ExecuteAsync(ActionsHost.Invocation(NotifyWebhookExecutor.Id, ActionsHost.TextEvent(),
            new { url = host.Url + "/hooks/text", body = "New voice note from Ana", method = "put" }), CancellationToken.None);

        var request = host.Server.OnlyRequest("/hooks/text");
        Assert.Equal("PUT", request.Method());
        Assert.Equal("New voice note from Ana", request.Json().GetProperty("text").GetString());
    }

    [Fact]
    public async Task Webhook_NoBody_SendsRunStepAndTheEventSnakeCase()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Receive(host, "/hooks/all");
        var e = ActionsHost.TextEvent("hello");

        await host.Executor<NotifyWebhookExecutor>().ExecuteAsync(
            ActionsHost.Invocation(NotifyWebhookExecutor.Id, e, new { url = host.Url + "/hooks/all" }), CancellationToken.None);

        var json = host.Server.OnlyRequest("/hooks/all").Json();
        Assert.Equal("run-1", json.GetProperty("run_id").GetString());
        Assert.Equal(e.EventId, json.GetProperty("event").GetProperty("event_id").GetString());
        Assert.Equal("hello", json.GetProperty("event").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Webhook_NoSecretConfigured_NoSignatureHeader()
    {
        await using var host = await ActionsHost.StartAsync(azurite, new Dictionary<string, string?> { ["Omni:Notify:Secret"] = null });
        Receive(host, "/hooks/unsigned");

        await host.Executor<NotifyWebhookExecutor>().ExecuteAsync(ActionsHost.Invocation(NotifyWebhookExecutor.Id, ActionsHost.TextEvent(),
            new { url = host.Url + "/hooks/unsigned", body = "{}" }), CancellationToken.None);

        Assert.Null(host.Server.OnlyRequest("/hooks/unsigned").Header(WebhookNotifier.SignatureHeader));
    }

    [Theory]
    [InlineData(429, "Retry-After", 12)]
    [InlineData(503, null, null)]
    public async Task Webhook_ReceiverBusy_Transient(int status, string? header, int? seconds)
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Receive(host, "/hooks/busy", status, header is null ? null : seconds!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var ex = await Assert.ThrowsAsync<TransientActionException>(() => host.Executor<NotifyWebhookExecutor>().ExecuteAsync(
            ActionsHost.Invocation(NotifyWebhookExecutor.Id, ActionsHost.TextEvent(), new { url = host.Url + "/hooks/busy" }), CancellationToken.None));
        Assert.Equal(seconds is null ? null : TimeSpan.FromSeconds(seconds.Value), ex.RetryAfter);
    }

    [Fact]
    public async Task Webhook_ReceiverRejects_Permanent()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Receive(host, "/hooks/gone", 410);

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<NotifyWebhookExecutor>().ExecuteAsync(
            ActionsHost.Invocation(NotifyWebhookExecutor.Id, ActionsHost.TextEvent(), new { url = host.Url + "/hooks/gone" }), CancellationToken.None));
        Assert.Equal(410, ex.StatusCode);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://example.com/x")]
    public async Task Webhook_BadUrl_PermanentWithoutSending(string url)
    {
        await using var host = await ActionsHost.StartAsync(azurite);

        await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<NotifyWebhookExecutor>().ExecuteAsync(
            ActionsHost.Invocation(NotifyWebhookExecutor.Id, ActionsHost.TextEvent(), new { url }), CancellationToken.None));
        Assert.Empty(host.Server.LogEntries);
    }

    [Fact]
    public async Task Webhook_PlainHttpWhenNotAllowed_Permanent()
    {
        await using var host = await ActionsHost.StartAsync(azurite, new Dictionary<string, string?> { ["Omni:Notify:AllowHttp"] = "false" });

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<NotifyWebhookExecutor>().ExecuteAsync(
            ActionsHost.Invocation(NotifyWebhookExecutor.Id, ActionsHost.TextEvent(), new { url = host.Url + "/hooks/x" }), CancellationToken.None));
        Assert.Contains("only https", ex.Message, StringComparison.Ordinal);
        Assert.Empty(host.Server.LogEntries);
    }

    [Fact]
    public async Task Escalate_NotifiesConfiguredUrlAndWaitsForResolved()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Receive(host, "/hooks/escalations", 202);
        var e = ActionsHost.TextEvent("I want to talk to a person");

        var outcome = await host.Executor<EscalateHumanExecutor>().ExecuteAsync(ActionsHost.Invocation(EscalateHumanExecutor.Id, e,
            new { reason = "asked for a human", assignee = "support-team", channel = "slack" }, runId: "run-7", stepId: "escalate"), CancellationToken.None);

        var request = host.Server.OnlyRequest("/hooks/escalations");
        var body = request.Json();
        Assert.Equal("escalation", body.GetProperty("type").GetString());
        Assert.Equal(("run-7", "escalate"), (body.GetProperty("run_id").GetString(), body.GetProperty("step_id").GetString()));
        Assert.Equal("asked for a human", body.GetProperty("reason").GetString());
        Assert.Equal("support-team", body.GetProperty("assignee").GetString());
        Assert.Equal("I want to talk to a person", body.GetProperty("event").GetProperty("text").GetString());
        Assert.Equal(Hmac(ActionsHost.NotifySecret, request.BodyBytes()), request.Header(WebhookNotifier.SignatureHeader));
        Assert.Equal("resolved", outcome.OutputString("waiting_for"));
    }

    [Fact]
    public async Task Escalate_NoUrlAnywhere_Permanent()
    {
        await using var host = await ActionsHost.StartAsync(azurite, new Dictionary<string, string?> { ["Omni:Notify:EscalationUrl"] = null });

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<EscalateHumanExecutor>().ExecuteAsync(
            ActionsHost.Invocation(EscalateHumanExecutor.Id, ActionsHost.TextEvent()), CancellationToken.None));
        Assert.Contains("EscalationUrl", ex.Message, StringComparison.Ordinal);
    }
}
