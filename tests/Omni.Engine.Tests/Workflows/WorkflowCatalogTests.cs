using Omni.Engine.Events;
using Omni.Engine.Workflows;
using static Omni.Engine.Tests.Workflows.WorkflowTestSupport;

namespace Omni.Engine.Tests.Workflows;

public class WorkflowCatalogTests
{
    private static WorkflowDefinition Def(string id, int version, string scope = "*", string trigger = "{ event_kinds: [message] }") =>
        Load($"id: {id}\nversion: {version}\nscope: \"{scope}\"\ntrigger: {trigger}\nsteps:\n  - id: log\n    action: meta.analytics.log\n    with: {{ name: {id} }}\n");

    private static WorkflowCatalog Seeds() => new(Directory.GetFiles(WorkflowsDirectory, "*.yaml").Select(f => Seed(Path.GetFileNameWithoutExtension(f))));

    [Fact]
    public void EffectiveFor_HighestVersionWins()
    {
        var catalog = new WorkflowCatalog([Def("a", 1), Def("a", 3), Def("a", 2)]);
        Assert.Equal(3, Assert.Single(catalog.EffectiveFor("demo")).Version);
    }

    [Fact]
    public void EffectiveFor_InstanceScopeOverridesDefaultEvenWithLowerVersion()
    {
        var catalog = new WorkflowCatalog([Def("a", 5), Def("a", 1, "demo"), Def("a", 2, "demo"), Def("b", 1), Def("a", 9, "other")]);

        var demo = catalog.EffectiveFor("demo");
        Assert.Equal([("a", "demo", 2), ("b", "*", 1)], demo.Select(d => (d.Id, d.Scope, d.Version)));
        Assert.Equal([("a", "*", 5), ("b", "*", 1)], catalog.EffectiveFor("third").Select(d => (d.Id, d.Scope, d.Version)));
    }

    [Fact]
    public void Catalog_SameVersionStoredTwice_Rejected()
    {
        Assert.Throws<ArgumentException>(() => new WorkflowCatalog([Def("a", 1), Def("a", 1)]));
    }

    [Theory]
    [InlineData("{ event_kinds: [message] }", true)]
    [InlineData("{ event_kinds: [reaction, message_edit] }", false)]
    [InlineData("{ content_types: [text, image] }", true)]
    [InlineData("{ content_types: [audio] }", false)]
    [InlineData("{ event_kinds: [message], when: \"channel == 'whatsapp' && !from_me\" }", true)]
    [InlineData("{ when: is_group }", false)]
    [InlineData("{}", true)]
    public void Triggers_KindsTypesAndWhen(string trigger, bool expected)
    {
        Assert.Equal(expected, WorkflowCatalog.Triggers(Def("a", 1, trigger: trigger), Message()));
    }

    [Fact]
    public void Triggers_ListInWhen_UsesWorkflowLists()
    {
        var definition = Load("""
            id: vip
            version: 1
            trigger: { when: "sender in list('vip')" }
            lists: { vip: ["5511999990001@s.whatsapp.net"] }
            steps:
              - id: log
                action: meta.analytics.log
                with: { name: vip }
            """);
        Assert.True(WorkflowCatalog.Triggers(definition, Message()));
        Assert.False(WorkflowCatalog.Triggers(definition, Message() with { SenderHandle = "x" }));
    }

    [Fact]
    public void Match_OwnTextMessage_NoReplyingPlaybookTriggers()
    {
        var matched = Seeds().Match(Message() with { FromMe = true }).Select(d => d.Id).ToList();
        Assert.Equal(["ignore-self", "remind-if-no-reply"], matched);
        foreach (var id in matched)
        {
            Assert.DoesNotContain(Seeds().Definitions.Single(d => d.Id == id).AllSteps.OfType<ActionStep>(), s => s.Action == "route.reply");
        }
    }

    [Theory]
    [InlineData("inbound-text", "reply-to-direct-text")]
    [InlineData("group-text", "")]
    [InlineData("forwarded-audio", "transcribe-forwarded-voice")]
    [InlineData("plain-audio", "")]
    [InlineData("view-once-image", "describe-view-once-image")]
    [InlineData("own-view-once-image", "ignore-self,remind-if-no-reply")]
    public void Match_SeedPlaybooks_ExpectedWorkflows(string scenario, string expected)
    {
        var evt = scenario switch
        {
            "inbound-text" => Message(),
            "group-text" => Message() with { IsGroup = true },
            "forwarded-audio" => Message(ContentTypes.Audio, null) with { IsForwarded = true },
            "plain-audio" => Message(ContentTypes.Audio, null),
            "view-once-image" => Message(ContentTypes.Image, null) with { IsViewOnce = true },
            _ => Message(ContentTypes.Image, null) with { IsViewOnce = true, FromMe = true },
        };
        Assert.Equal(expected, string.Join(",", Seeds().Match(evt).Select(d => d.Id)));
    }
}
