namespace Omni.Local.Emulator;

/// <summary>
/// The storage <c>scripts/run.sh</c> gives Omni.Local. With the default <c>UseDevelopmentStorage=true</c>, Omni.Local
/// starts an Azurite of its own on free loopback ports (in memory; <c>--data DIR</c> keeps the data in DIR across
/// restarts) and points <c>Omni:Storage:ConnectionString</c> at it, so it never shares an emulator that something else
/// started on the well-known ports 10000–10002 by accident. <c>--azurite running</c> uses one already running there
/// instead. Any other connection string (a real account, another emulator) is used as given.
/// </summary>
public static class LocalAzurite
{
    public const string ConnectionStringKey = "Omni:Storage:ConnectionString";

    /// <summary>Starts Azurite when the configuration asks for development storage; null when storage is elsewhere.</summary>
    public static async Task<Azurite?> StartIfNeededAsync(ConfigurationManager configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.Equals(configuration[ConnectionStringKey]?.Trim().TrimEnd(';'), "UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (string.Equals(configuration["azurite"], "running", StringComparison.OrdinalIgnoreCase))
        {
            return Azurite.IsListening(10000) && Azurite.IsListening(10001) && Azurite.IsListening(10002)
                ? null
                : throw new LocalStartupException("--azurite running: nothing listens on 127.0.0.1:10000-10002; start Azurite there, or drop the option.");
        }

        var azurite = await Azurite.StartAsync(dataFolder: configuration["data"], cancellationToken: cancellationToken);
        configuration[ConnectionStringKey] = azurite.ConnectionString;
        return azurite;
    }
}

/// <summary>A start-up problem the user can fix, reported as one line (no stack trace).</summary>
public sealed class LocalStartupException(string message) : Exception(message);
