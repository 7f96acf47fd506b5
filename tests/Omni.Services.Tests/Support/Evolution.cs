using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Omni.Services.Tests.Support;

/// <summary>An Evolution API v2 server's answers, as WireMock mappings.</summary>
public static class Evolution
{
    public const string SendTextPath = "/message/sendText/" + ActionsHost.EvolutionInstance;

    /// <summary>Evolution v2's answer to sendText (201): the message as stored, key.id is the WhatsApp message id.</summary>
    public static object SentMessage(string id, string remoteJid, string text) => new
    {
        key = new { remoteJid, fromMe = true, id },
        pushName = "",
        status = "PENDING",
        message = new { conversation = text },
        contextInfo = (object?)null,
        messageType = "conversation",
        messageTimestamp = 1767614400,
        instanceId = "0b5f3c5e-7d2a-4a51-9a3e-1c2d3e4f5a6b",
        source = "unknown",
    };

    public static void AnswerSendText(ActionsHost host, string id = "3EB0A1B2C3D4E5F60718", string jid = "5511999990001@s.whatsapp.net", TimeSpan? delay = null)
    {
        var response = Response.Create().WithStatusCode(201).WithBodyAsJson(SentMessage(id, jid, "ok"));
        if (delay is { } d)
        {
            response = response.WithDelay(d);
        }

        host.Server.Given(Request.Create().WithPath(SendTextPath).UsingPost()).RespondWith(response);
    }
}
