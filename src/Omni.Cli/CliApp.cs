using System.CommandLine;
using Omni.Cli.Commands;

namespace Omni.Cli;

/// <summary>
/// The command tree and its one entry point: parse, answer usage errors with exit code 2, else invoke the command
/// (help and output to the injected console, errors to the injected writer, Ctrl-C cancels the token).
/// </summary>
public static class CliApp
{
    public static RootCommand Build(CliEnvironment env)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("omni: query and drive a running Omni (local or in Azure) over its HTTP API");
        globals.AddTo(root);
        root.Add(EventsCommands.Build(globals, env));
        root.Add(ReplayCommand.Build(globals, env));
        root.Add(WorkflowsCommands.Build(globals, env));
        root.Add(ShadowCommand.Build(globals, env));
        root.Add(SendCommand.Build(globals, env));
        root.Add(DriftCommand.Build(globals, env));
        root.Add(ExplainCommand.Build(globals, env));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliEnvironment env, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(env);
        var parse = Build(env).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await env.Error.WriteLineAsync(error.Message);
            }

            await env.Error.WriteLineAsync("Run 'omni --help' for usage.");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration { Output = env.Console.Profile.Out.Writer, Error = env.Error };
        return await parse.InvokeAsync(invocation, cancellationToken);
    }
}
