// STUB of package Microsoft.DurableTask.Client (dependency of Microsoft.Azure.Functions.Worker.Extensions.DurableTask
// 1.16.5 through Microsoft.DurableTask.Client.Grpc), checked against microsoft/durabletask-dotnet:
//   DurableTaskClient      src/Client/Core/DurableTaskClient.cs (208aade2): every overload of the three methods used;
//                          its interfaces (IOrchestrationSubmitter, IAsyncDisposable) are left out, being unused
//   OrchestrationMetadata  src/Client/Core/OrchestrationMetadata.cs (3bfb535a; namespace Microsoft.DurableTask there)
// Compile-time stand-in only: see src/Omni.Functions/README.md.

namespace Microsoft.DurableTask.Client
{
    public abstract class DurableTaskClient
    {
        protected DurableTaskClient(string name) => throw new NotImplementedException();

        public string Name => throw new NotImplementedException();

        public virtual Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, CancellationToken cancellation) =>
            throw new NotImplementedException();

        public virtual Task<string> ScheduleNewOrchestrationInstanceAsync(
            TaskName orchestratorName, object? input, CancellationToken cancellation) => throw new NotImplementedException();

        public virtual Task<string> ScheduleNewOrchestrationInstanceAsync(
            TaskName orchestratorName, StartOrchestrationOptions options, CancellationToken cancellation = default) =>
            throw new NotImplementedException();

        public abstract Task<string> ScheduleNewOrchestrationInstanceAsync(
            TaskName orchestratorName,
            object? input = null,
            StartOrchestrationOptions? options = null,
            CancellationToken cancellation = default);

        public virtual Task RaiseEventAsync(string instanceId, string eventName, CancellationToken cancellation) =>
            throw new NotImplementedException();

        public abstract Task RaiseEventAsync(
            string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default);

        public virtual Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, CancellationToken cancellation) =>
            throw new NotImplementedException();

        public virtual Task<OrchestrationMetadata?> GetInstanceAsync(
            string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
            throw new NotImplementedException();
    }
}

namespace Microsoft.DurableTask
{
    public sealed class OrchestrationMetadata
    {
        public OrchestrationMetadata(string name, string instanceId) => throw new NotImplementedException();

        public string Name => throw new NotImplementedException();

        public string InstanceId => throw new NotImplementedException();
    }
}
