namespace Omni.Local.Tests.Support;

/// <summary>Finds ../shared/fixtures/providers (beside the repository) and the repository's own test data.</summary>
public static class Fixtures
{
    public static string RepositoryRoot { get; } = FindUp("Omni.sln")
        ?? throw new InvalidOperationException("cannot find the repository root (the folder with Omni.sln)");

    public static string ProvidersDirectory { get; } =
        Path.Combine(Path.GetDirectoryName(RepositoryRoot)!, "shared", "fixtures", "providers") is var p && Directory.Exists(p)
            ? p
            : throw new InvalidOperationException($"cannot find the shared fixtures at {p}: clone the repository beside ../shared");

    public static string Provider(string provider, string file) => Path.Combine(ProvidersDirectory, provider, file);

    public static byte[] Read(string provider, string file) => File.ReadAllBytes(Provider(provider, file));

    public static IEnumerable<string> Files(string provider) =>
        Directory.EnumerateFiles(Path.Combine(ProvidersDirectory, provider), "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    private static string? FindUp(string marker)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, marker)))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
