namespace Omni.Services.Actions;

/// <summary>
/// The action failed in a way that may pass on a later try: a 5xx, a 408/429, a timeout, a dropped connection.
/// The host retries it (Durable retry policy / the offline runner), waiting at least <see cref="RetryAfter"/> when the
/// provider said how long.
/// </summary>
public class TransientActionException : Exception
{
    public TransientActionException()
    {
    }

    public TransientActionException(string message)
        : base(message)
    {
    }

    public TransientActionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public TransientActionException(string message, TimeSpan? retryAfter, bool mayHaveTakenEffect, int? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        RetryAfter = retryAfter;
        MayHaveTakenEffect = mayHaveTakenEffect;
        StatusCode = statusCode;
    }

    /// <summary>The provider's <c>Retry-After</c>, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// False when the provider answered with an error status (it says it did nothing); true when no answer came
    /// (timeout, connection dropped mid-request) and the request may have been carried out.
    /// <see cref="EffectOnceExecutor"/> resends only when this is false.
    /// </summary>
    public bool MayHaveTakenEffect { get; }

    /// <summary>The HTTP status the provider answered, if any.</summary>
    public int? StatusCode { get; }

    /// <summary>When a whole provider chain failed: each provider tried, for the audit log.</summary>
    public IReadOnlyList<ProviderAttempt>? Chain { get; init; }
}

/// <summary>
/// The action can never succeed as asked: a 4xx other than 408/429 (bad key, unknown recipient, invalid request),
/// missing configuration, invalid parameters, an unusable result. Not retried.
/// </summary>
public class PermanentActionException : Exception
{
    public PermanentActionException()
    {
    }

    public PermanentActionException(string message)
        : base(message)
    {
    }

    public PermanentActionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public PermanentActionException(string message, int? statusCode, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    public int? StatusCode { get; }

    /// <summary>When a whole provider chain failed: each provider tried, for the audit log.</summary>
    public IReadOnlyList<ProviderAttempt>? Chain { get; init; }
}
