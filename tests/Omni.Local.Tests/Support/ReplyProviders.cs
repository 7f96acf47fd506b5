using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Omni.Local.Tests.Support;

/// <summary>
/// The providers the <c>reply-to-direct-text</c> seed calls, on one WireMock server at their real shapes: Evolution's
/// <c>sendText</c> and an OpenAI-compatible chat completion for the default agent; and the settings pointing the demo
/// instance and the agent at them.
/// </summary>
public static class ReplyProviders
{
    public const string SendText = "/message/sendText/evo-demo";
    public const string ChatCompletions = "/v1/chat/completions";

    public static Dictionary<string, string?> Stub(WireMockServer server, string answer = "Tudo ótimo, e você?")
    {
        ArgumentNullException.ThrowIfNull(server);
        server.Given(Request.Create().WithPath(SendText).UsingPost()).RespondWith(Response.Create().WithStatusCode(201).WithBodyAsJson(new
        {
            key = new { remoteJid = "5511999990001@s.whatsapp.net", fromMe = true, id = "3EB0REPLY0000001" },
            status = "PENDING",
            message = new { conversation = "ok" },
            messageType = "conversation",
            messageTimestamp = 1764000100,
        }));
        server.Given(Request.Create().WithPath(ChatCompletions).UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new
        {
            id = "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
            @object = "chat.completion",
            created = 1741570283,
            model = "gpt-4o-mini-2024-07-18",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = answer }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 26, completion_tokens = 12, total_tokens = 38 },
        }));
        var url = server.Urls[0];
        return new Dictionary<string, string?>
        {
            [$"Omni:Instances:{OmniHost.Instance}:ServerUrl"] = url,
            [$"Omni:Instances:{OmniHost.Instance}:ApiKey"] = "evo-api-key",
            [$"Omni:Instances:{OmniHost.Instance}:EvolutionInstance"] = "evo-demo",
            ["Omni:Agents:default:Endpoint"] = url + "/v1",
            ["Omni:Agents:default:ApiKey"] = "sk-agent",
            ["Omni:Agents:default:Model"] = "gpt-4o-mini",
        };
    }
}
