namespace Omni.Cli.Http;

/// <summary>
/// Omni answered with its error shape (<c>{"error": {"code", "message", "details"?}}</c>), or could not be reached
/// (status 0). The CLI prints <see cref="Exception.Message"/> and exits 1.
/// </summary>
public sealed class OmniApiException : Exception
{
    public OmniApiException(int status, string code, string message, System.Text.Json.JsonElement? details = null)
        : base(message)
    {
        Status = status;
        Code = code;
        Details = details;
    }

    public OmniApiException()
    {
        Code = "";
    }

    public OmniApiException(string message)
        : base(message)
    {
        Code = "";
    }

    public OmniApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "";
    }

    public int Status { get; }

    public string Code { get; }

    public System.Text.Json.JsonElement? Details { get; }
}
