namespace Omni.Cli;

/// <summary>The process exit codes: 0 ok, 1 the API refused (or could not be reached), 2 a usage error.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Refused = 1;
    public const int Usage = 2;
}
