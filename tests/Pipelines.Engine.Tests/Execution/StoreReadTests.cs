using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Execution;

public sealed class StoreReadTests : IDisposable
{
    private readonly EngineHarness _h = new();

    public void Dispose() => _h.Dispose();

    private string Emit() => $$$"""
        name: emit
        steps:
          - id: source
            uses: test/emit
            with: { text: archived, key: {{{_h.Key("source")}}} }
        """;

    private string Find(string sha256, bool readsStore) => $$$"""
        name: find
        steps:
          - id: copy
            uses: test/find
            with: { sha256: {{{sha256}}}, reads_store: {{{(readsStore ? "true" : "false")}}}, key: {{{_h.Key("copy")}}} }
        """;

    private Pipelines.Abstractions.Artifact Source()
    {
        var run = _h.Run(Emit());
        return _h.Store.OutputArtifacts(run.RunId, "source").Single().Artifact;
    }

    [Fact]
    public void An_artifact_a_step_declares_it_read_from_the_store_is_a_lineage_parent_of_what_it_made()
    {
        var source = Source();

        var run = _h.Run(Find(source.Sha256, readsStore: false));

        var copy = _h.Store.OutputArtifacts(run.RunId, "copy").Single(o => o.Output == "file").Artifact;
        Assert.Contains(_h.Store.Lineage(copy.Sha256, upstream: true), e => e.ParentSha256 == source.Sha256 && e.StepId == "copy");
    }

    [Fact]
    public void A_step_whose_inputs_read_the_store_is_never_served_from_the_cache()
    {
        var source = Source();

        _h.Run(Find(source.Sha256, readsStore: false));
        var cached = _h.Run(Find(source.Sha256, readsStore: false));
        Assert.Equal(StepStatus.Cached, cached.Steps["copy"]);
        Assert.Equal(1, TestSteps.CountOf(_h.Key("copy")));

        _h.Run(Find(source.Sha256, readsStore: true));
        var again = _h.Run(Find(source.Sha256, readsStore: true));
        Assert.Equal(StepStatus.Succeeded, again.Steps["copy"]);
        Assert.Equal(3, TestSteps.CountOf(_h.Key("copy")));
    }
}
