// STUB of package Microsoft.Azure.Functions.Worker.Extensions.Storage.Queues 5.5.2, checked against
// Azure/azure-functions-dotnet-worker:
//   QueueTriggerAttribute  extensions/Worker.Extensions.Storage.Queues/src/QueueTriggerAttribute.cs (663eb033)
// The trigger binds Azure.Storage.Queues.Models.QueueMessage (its QueueMessageConverter), which comes from the real
// Azure.Storage.Queues package that Omni.Services references. Compile-time stand-in only: see src/Omni.Functions/README.md.

using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker;

public sealed class QueueTriggerAttribute : TriggerBindingAttribute
{
    public QueueTriggerAttribute(string queueName) => throw new NotImplementedException();

    public string QueueName => throw new NotImplementedException();

    public string? Connection { get; set; }
}
