using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Omni.Functions.Tests.Support;

/// <summary>
/// The test host's Durable client, except that <see cref="RaiseEventAsync"/> refuses an instance that does not exist or is
/// not running, as production's does: with the Azure Storage provider the Functions host checks the instance first
/// (host.json <c>durableTask.throwStatusExceptionsOnRaiseEvent</c>, which defaults to the provider's check, on for Azure
/// Storage) and the isolated worker gets an <c>RpcException</c>. The in-memory backend of
/// <c>DurableTaskTestHost</c> accepts such an event and drops it, which would hide a caller that raises to a finished run.
/// </summary>
public sealed class RaiseEventPrecondition(DurableTaskClient inner) : DurableTaskClient(inner.Name)
{
    public override async Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        var instance = await inner.GetInstanceAsync(instanceId, cancellation);
        if (instance?.RuntimeStatus is not (OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended))
        {
            throw new InvalidOperationException(
                $"event '{eventName}' not raised: instance '{instanceId}' is {instance?.RuntimeStatus.ToString() ?? "not found"}, not running");
        }

        await inner.RaiseEventAsync(instanceId, eventName, eventPayload, cancellation);
    }

    public override Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default) =>
        inner.ScheduleNewOrchestrationInstanceAsync(orchestratorName, input, options, cancellation);

    public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        inner.GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation);

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) => inner.GetAllInstancesAsync(filter);

    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        inner.WaitForInstanceStartAsync(instanceId, getInputsAndOutputs, cancellation);

    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        inner.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs, cancellation);

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        inner.SuspendInstanceAsync(instanceId, reason, cancellation);

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        inner.ResumeInstanceAsync(instanceId, reason, cancellation);

    /// <summary>The test host owns the inner client.</summary>
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
