using Omni.Cli;
using Spectre.Console;

// The `omni` tool: every command talks to a running Omni over its HTTP API (docs/cli.md).
return await CliApp.RunAsync(args, new CliEnvironment(AnsiConsole.Console, Console.Error, Environment.GetEnvironmentVariable));
