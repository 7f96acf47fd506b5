using System.CommandLine;
using Omni.Cli.Http;

namespace Omni.Cli;

/// <summary>
/// The options every command takes (<c>--url</c>, <c>--key</c>, <c>--json</c>), recursive from the root, and the
/// <see cref="OmniClient"/> they configure; <c>OMNI_URL</c> and <c>OMNI_KEY</c> fill in what is not given.
/// </summary>
public sealed class GlobalOptions
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"Omni's base address (env OMNI_URL; default {DefaultUrl})",
        Recursive = true,
    };

    public Option<string?> Key { get; } = new("--key")
    {
        Description = "the query key, sent as x-functions-key (env OMNI_KEY)",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "print the API's JSON instead of tables",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Add(Url);
        root.Add(Key);
        root.Add(Json);
    }

    /// <summary>A client for the Omni these options (or the environment) name.</summary>
    public OmniClient Client(ParseResult parse, CliEnvironment env)
    {
        var url = parse.GetValue(Url) ?? env.Variable("OMNI_URL") ?? DefaultUrl;
        var key = parse.GetValue(Key) ?? env.Variable("OMNI_KEY");
        return new OmniClient(new Uri(url.TrimEnd('/') + "/"), key, env.Handler);
    }
}
