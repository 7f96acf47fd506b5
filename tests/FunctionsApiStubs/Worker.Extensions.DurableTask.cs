// STUB of package Microsoft.Azure.Functions.Worker.Extensions.DurableTask 1.16.5, checked against
// Azure/azure-functions-durable-extension:
//   ActivityTriggerAttribute       src/Worker.Extensions.DurableTask/ActivityTriggerAttribute.cs (a940ea1c)
//   OrchestrationTriggerAttribute  src/Worker.Extensions.DurableTask/OrchestrationTriggerAttribute.cs (a940ea1c)
//   DurableClientAttribute         src/Worker.Extensions.DurableTask/DurableClientAttribute.cs (856bba80)
// Compile-time stand-in only: see src/Omni.Functions/README.md.

using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker;

public sealed class ActivityTriggerAttribute : TriggerBindingAttribute
{
}

public sealed class OrchestrationTriggerAttribute : TriggerBindingAttribute
{
}

public sealed class DurableClientAttribute : InputBindingAttribute
{
    public string? TaskHub { get; set; }

    public string? ConnectionName { get; set; }
}
