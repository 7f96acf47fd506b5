using Omni.Services.Catalog;

namespace Omni.Services.Workflows;

/// <summary>
/// The catalogue's <c>mapped</c>: a shape is handled when an effective workflow of the instance lists its event kind and
/// content type (an empty list allows any). The trigger's <c>when</c> is not considered: it depends on the event, not the shape.
/// </summary>
public sealed class WorkflowTriggerIndex(WorkflowStore store) : IWorkflowTriggerIndex
{
    public bool Handles(string instance, string eventKind, string contentType) =>
        store.Current().Catalog.EffectiveFor(instance).Any(d =>
            (d.Trigger.EventKinds.Count == 0 || d.Trigger.EventKinds.Contains(eventKind))
            && (d.Trigger.ContentTypes.Count == 0 || d.Trigger.ContentTypes.Contains(contentType)));
}
