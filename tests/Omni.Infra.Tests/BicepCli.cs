using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Omni.Infra.Tests;

/// <summary>
/// The Bicep CLI restored from NuGet (Azure.Bicep.CommandLine.linux-x64, pinned in Directory.Packages.props).
/// The csproj records where restore put it; BICEP_PATH overrides that (e.g. a bicep on macOS).
/// </summary>
internal static partial class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private static readonly Lazy<string> Executable = new(Locate);

    public static string RepositoryRoot { get; } = ReadAssemblyMetadata("RepositoryRoot");

    public static string InfraDirectory => Path.Combine(RepositoryRoot, "infra");

    public static string MainTemplatePath => Path.Combine(InfraDirectory, "main.bicep");

    /// <summary>Runs bicep with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    public static BicepResult Run(string workingDirectory, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(Executable.Value)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start '{Executable.Value}'.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        return new BicepResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("BICEP_PATH");
        var path = string.IsNullOrWhiteSpace(fromEnvironment) ? ReadAssemblyMetadata("BicepPath") : fromEnvironment;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Bicep CLI not found at '{path}'. Restore this project (dotnet restore tests/Omni.Infra.Tests), which puts " +
                "the NuGet package Azure.Bicep.CommandLine.linux-x64 in the NuGet cache, or set BICEP_PATH to a bicep " +
                "binary. The package only ships a linux-x64 binary.");
        }

        // NuGet does not always keep the executable bit of package content.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            const UnixFileMode executeBits = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            if ((mode & UnixFileMode.UserExecute) == 0)
            {
                File.SetUnixFileMode(path, mode | executeBits);
            }
        }

        return path;
    }

    private static string ReadAssemblyMetadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(attribute => attribute.Key == key)?.Value
        ?? throw new InvalidOperationException($"Assembly metadata '{key}' is missing; see Omni.Infra.Tests.csproj.");

    [GeneratedRegex(@" : (Warning|Error) ", RegexOptions.CultureInvariant)]
    internal static partial Regex DiagnosticLine();
}

/// <summary>Exit code and output of one Bicep CLI run.</summary>
internal sealed record BicepResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Linter and compiler diagnostics at Warning or Error level, from either stream.</summary>
    public IReadOnlyList<string> WarningsAndErrors =>
        (StandardError + "\n" + StandardOutput)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => BicepCli.DiagnosticLine().IsMatch(line))
            .ToList();

    public void EnsureSuccess(string what)
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed with exit code {ExitCode}:\n{StandardError}\n{StandardOutput}");
        }
    }
}
