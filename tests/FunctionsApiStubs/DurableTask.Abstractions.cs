// STUB of package Microsoft.DurableTask.Abstractions (dependency of Microsoft.Azure.Functions.Worker.Extensions.DurableTask
// 1.16.5 through Microsoft.DurableTask.Worker.Grpc / Client.Grpc), checked against microsoft/durabletask-dotnet:
//   TaskOrchestrationContext   src/Abstractions/TaskOrchestrationContext.cs (1976de60)
//   TaskOptions                src/Abstractions/TaskOptions.cs (89a5fef9)
//   StartOrchestrationOptions  src/Abstractions/TaskOptions.cs (89a5fef9; namespace Microsoft.DurableTask)
//   RetryHandler, AsyncRetryHandler, RetryContext
//                              src/Abstractions/RetryHandler.cs (61d7080d)
//   TaskFailedException        src/Abstractions/TaskFailedException.cs (ac8e2e31)
//   TaskFailureDetails         src/Abstractions/TaskFailureDetails.cs (6a1f434e)
//   TaskName                   src/Abstractions/TaskName.cs (380c622f)
// Overloads that compete with the ones Omni.Functions calls are kept, so that overload resolution (and with it, which
// signature our code binds to) is the real one. Compile-time stand-in only: see src/Omni.Functions/README.md.

namespace Microsoft.DurableTask;

public abstract class TaskOrchestrationContext
{
    public abstract string InstanceId { get; }

    public abstract DateTime CurrentUtcDateTime { get; }

    public abstract T? GetInput<T>();

    public virtual Task CallActivityAsync(TaskName name, object? input = null, TaskOptions? options = null) =>
        throw new NotImplementedException();

    public virtual Task CallActivityAsync(TaskName name, TaskOptions options) => throw new NotImplementedException();

    public virtual Task<TResult> CallActivityAsync<TResult>(TaskName name, TaskOptions options) => throw new NotImplementedException();

    public abstract Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null);

    public virtual Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken) => throw new NotImplementedException();

    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    public abstract Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    public Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout) => throw new NotImplementedException();
}

public record TaskOptions
{
    public static TaskOptions FromRetryHandler(AsyncRetryHandler handler) => throw new NotImplementedException();

    public static TaskOptions FromRetryHandler(RetryHandler handler) => throw new NotImplementedException();
}

public record StartOrchestrationOptions(string? InstanceId = null, DateTimeOffset? StartAt = null);

public delegate bool RetryHandler(RetryContext retryContext);

public delegate Task<bool> AsyncRetryHandler(RetryContext retryContext);

public record RetryContext(
    TaskOrchestrationContext OrchestrationContext,
    int LastAttemptNumber,
    TaskFailureDetails LastFailure,
    TimeSpan TotalRetryTime,
    CancellationToken CancellationToken);

public sealed class TaskFailedException : Exception
{
    public TaskFailedException(string taskName, int taskId, TaskFailureDetails failureDetails) => throw new NotImplementedException();

    public TaskFailureDetails FailureDetails => throw new NotImplementedException();
}

public record TaskFailureDetails(
    string ErrorType,
    string ErrorMessage,
    string? StackTrace,
    TaskFailureDetails? InnerFailure,
    IDictionary<string, object?>? Properties)
{
    public bool IsCausedBy<T>()
        where T : Exception => throw new NotImplementedException();
}

public readonly struct TaskName : IEquatable<TaskName>
{
    public TaskName(string name) => throw new NotImplementedException();

    public string Name => throw new NotImplementedException();

    public static implicit operator string(TaskName value) => throw new NotImplementedException();

    public static implicit operator TaskName(string value) => throw new NotImplementedException();

    public static bool operator ==(TaskName a, TaskName b) => throw new NotImplementedException();

    public static bool operator !=(TaskName a, TaskName b) => throw new NotImplementedException();

    public bool Equals(TaskName other) => throw new NotImplementedException();

    public override bool Equals(object? obj) => throw new NotImplementedException();

    public override int GetHashCode() => throw new NotImplementedException();
}
