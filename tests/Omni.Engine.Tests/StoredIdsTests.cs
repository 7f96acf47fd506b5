using Omni.Engine.Events;
using Omni.Engine.Identity;
using Omni.Engine.Workflows.Running;

namespace Omni.Engine.Tests;

/// <summary>
/// Ids that are stored and used for dedupe, pinned to fixed values: changing how any of them is computed would orphan
/// every stored event, run and identity (a redelivered webhook would become a second event). The expected values were
/// computed independently of this code (Python's hashlib over the documented length-prefixed inputs).
/// </summary>
public sealed class StoredIdsTests
{
    private const string EventId = "evt_demo_059cad89011f8fc47b1c67c754b56de3";

    [Fact]
    public void EventId_IsSha256OfTheLengthPrefixedParts()
    {
        Assert.Equal(EventId, EventKey.ComputeEventId("evolution", "demo", "3EB0A1B2C3D4E5F60718", "message"));
        Assert.Equal("evt_demo_137c115228884ab042b9a2dc30ce6531", EventKey.ComputeEventId("evolution", "demo", "3EB0A1B2C3D4E5F60718", "reaction"));
        Assert.Equal("demo", EventKey.InstanceOf(EventId));
    }

    [Fact]
    public void ContentHash_IsSha256OfTheCanonicalJson() =>
        Assert.Equal("sha256:f84509a77aa28abf2c48ebbbeeaf7e2e", EventKey.ContentHash("""{"state":"open"}"""));

    [Fact]
    public void IdentityId_IsSha256OfTheFirstHandle()
    {
        Assert.Equal("idn_636ea91683772fa41ba07de6745a477a", IdentityIds.ForFirstHandle(new HandleKey("whatsapp", "5511999990001@s.whatsapp.net")));
        Assert.Equal("idn_af61290be8f0d1e8af83da1612fef289", IdentityIds.ForFirstHandle(new HandleKey("discord", "80351110224678912", "ops")));
    }

    [Fact]
    public void RunId_IsSha256OfEventWorkflowAndVersion()
    {
        Assert.Equal("wf_38f937f98bc7978f9bf21639b38c43c8", WorkflowRunId.For(EventId, "reply-to-direct-text", 1));
        Assert.Equal("wf_cccab86de6b148f6df5acb7648e89834", WorkflowRunId.For(EventId, "reply-to-direct-text", 2));
        Assert.Equal("wf_38f937f98bc7978f9bf21639b38c43c8/reply", WorkflowRunId.EffectKey("wf_38f937f98bc7978f9bf21639b38c43c8", "reply"));
    }
}
