using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Omni.Services.Tests.Support;

/// <summary>Moderation endpoints' answers (OpenAI's <c>/moderations</c> and the compatible Mistral one), as WireMock mappings.</summary>
public static class Moderation
{
    public const string OpenAiPath = "/v1/moderations";

    /// <summary>OpenAI's answer for <c>omni-moderation-latest</c>: flagged for harassment, harassment/threatening and violence, or clean.</summary>
    public static object OpenAiAnswer(bool flagged) => new
    {
        id = "modr-0d9740456c391e43c445bf0f010940c7",
        model = "omni-moderation-latest",
        results = new[]
        {
            new
            {
                flagged,
                categories = new Dictionary<string, bool>
                {
                    ["harassment"] = flagged, ["harassment/threatening"] = flagged, ["sexual"] = false, ["hate"] = false, ["hate/threatening"] = false,
                    ["illicit"] = false, ["illicit/violent"] = false, ["self-harm/intent"] = false, ["self-harm/instructions"] = false,
                    ["self-harm"] = false, ["sexual/minors"] = false, ["violence"] = flagged, ["violence/graphic"] = false,
                },
                category_scores = new Dictionary<string, double>
                {
                    ["harassment"] = flagged ? 0.8189 : 0.0001, ["harassment/threatening"] = flagged ? 0.8 : 0.0, ["violence"] = flagged ? 0.9223 : 0.0,
                },
                category_applied_input_types = new Dictionary<string, string[]> { ["harassment"] = ["text"], ["violence"] = ["text"] },
            },
        },
    };

    /// <summary>Answers POSTs to <paramref name="path"/> with <paramref name="answer"/>; only those whose body contains <paramref name="inputContaining"/> when given.</summary>
    public static void Moderate(ActionsHost host, string path, object answer, string? inputContaining = null)
    {
        var request = Request.Create().WithPath(path).UsingPost();
        if (inputContaining is not null)
        {
            request = request.WithBody(new WildcardMatcher("*" + inputContaining + "*"));
        }

        host.Server.Given(request).RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(answer));
    }
}
