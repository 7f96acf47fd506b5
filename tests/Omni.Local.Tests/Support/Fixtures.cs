namespace Omni.Local.Tests.Support;

/// <summary>The repository's test data: real provider payloads in tests/TestData/providers (sources in its SOURCES.md).</summary>
public static class Fixtures
{
    public static string RepositoryRoot { get; } = FindUp("Omni.sln")
        ?? throw new InvalidOperationException("cannot find the repository root (the folder with Omni.sln)");

    public static string ProvidersDirectory { get; } = Path.Combine(RepositoryRoot, "tests", "TestData", "providers");

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
