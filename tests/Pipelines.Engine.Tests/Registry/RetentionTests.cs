using Pipelines.Abstractions;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Registry;

/// <summary>
/// The retention policy on a real store: old and new shadow rows and decisions; versions retired long ago and lately;
/// a champion, a challenger and a retired version still holding a custom alias.
/// </summary>
public sealed class RetentionTests : IDisposable
{
    private static readonly RetentionSettings Policy = new() { ShadowDays = 90, DecisionDays = 30, ArchiveRetiredDays = 180 };

    private readonly EngineHarness _h = new();
    private readonly DateTime _now = DateTime.UtcNow;

    public void Dispose() => _h.Dispose();

    private static string Promote(string modelText, string alias) => $$$"""
        name: lifecycle
        steps:
          - id: train
            uses: test/model
            with: { text: "{{{modelText}}}" }
          - id: register
            uses: registry/register
            with: { name: toxicity, model: "${{ steps.train.outputs.file }}" }
          - id: promote
            uses: registry/promote
            with: { name: toxicity, version: "${{ steps.register.outputs.version }}", alias: {{{alias}}}, reason: test }
        """;

    private ModelRegistry Registry() => new(_h.Store, RegistryActor.Step("run-maintenance", "retention", null), 20);

    /// <summary>
    /// v1 retired 200 days ago; v2 retired 200 days ago but named by the custom alias "baseline"; v3 retired 10 days
    /// ago; v4 champion; v5 challenger. Shadow rows 100 and 10 days old; decisions 40 and 5 days old, one explained each.
    /// </summary>
    private void Seed()
    {
        foreach (var (text, alias) in new[] { ("m1", "champion"), ("m2", "champion"), ("m3", "champion"), ("m4", "champion"), ("m5", "challenger") })
        {
            var run = _h.Run(Promote(text, alias));
            Assert.True(run.Status == RunStatus.Succeeded, _h.Failures(run));
        }
        var registry = Registry();
        registry.Promote("toxicity", 2, "baseline", "kept for comparison");
        _h.Store.Read(c => c.Execute("UPDATE model_transitions SET changed_at = ? WHERE name = 'toxicity' AND version IN (1, 2) AND to_stage = 'retired'", _now.AddDays(-200)));
        _h.Store.Read(c => c.Execute("UPDATE model_transitions SET changed_at = ? WHERE name = 'toxicity' AND version = 3 AND to_stage = 'retired'", _now.AddDays(-10)));

        new StoreShadowLog(_h.Store, "run-shadow", "shadow").Record("toxicity", 4, 5,
            [new ShadowPrediction(1, 0.1, 0.2, 1, false), new ShadowPrediction(2, 0.3, 0.4, 0, true), new ShadowPrediction(3, 0.5, 0.6, 1, false)]);
        _h.Store.Read(c => c.Execute("UPDATE shadow_predictions SET recorded_at = ?", _now.AddDays(-100)));
        new StoreShadowLog(_h.Store, "run-shadow-2", "shadow").Record("toxicity", 4, 5,
            [new ShadowPrediction(1, 0.1, 0.2, 1, false), new ShadowPrediction(2, 0.3, 0.4, 0, true)]);

        var decisions = new StoreDecisionLog(_h.Store, "run-live", "infer");
        using (var writer = decisions.OpenDecisions("toxicity", ["x"]))
        {
            for (var i = 0; i < 4; i++) writer.Append(i, Micros(_now.AddDays(-40)), 4, 0.5, [1.0]);
            for (var i = 4; i < 7; i++) writer.Append(i, Micros(_now.AddDays(-5)), 4, 0.5, [1.0]);
            writer.Commit();
        }
        using (var explanations = decisions.OpenExplanations("toxicity"))
        {
            explanations.Append(0, 4, "x", 0.1, 1);
            explanations.Append(5, 4, "x", 0.2, 1);
            explanations.Commit();
        }
    }

    private static long Micros(DateTime time) => (time - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    private ModelVersion Version(int number) => Registry().Find("toxicity", number.ToString())!;

    [Fact]
    public void Exactly_the_old_rows_and_the_long_retired_unaliased_file_go_each_with_an_audit_row_and_a_second_pass_changes_nothing()
    {
        Seed();
        var registry = Registry();
        var transitionsBefore = registry.Transitions("toxicity").Count;

        var report = registry.ApplyRetention(Policy, _now, dryRun: false, "scheduled retention");

        Assert.Equal(3, report.ShadowRows);
        Assert.Equal(4, report.DecisionRows);
        Assert.Equal(["toxicity v1"], report.Archived);
        Assert.Equal(2, _h.Store.Count("shadow_predictions"));
        Assert.Equal(3, _h.Store.Count("decisions"));
        Assert.Equal(1, _h.Store.Count("decision_explanations"));

        var archived = Version(1);
        Assert.Equal(ModelRegistry.Archived, archived.Stage);
        Assert.False(_h.Store.Artifacts.IsPresent(archived.Model));
        var archiveFolder = Path.Combine(_h.Store.Layout.Root, ModelRegistry.ArchiveFolder);
        Assert.Equal("m1", File.ReadAllText(Path.Combine(archiveFolder, $"{archived.Model.Sha256}.{archived.Model.Format}")));
        var manifest = Assert.Single(File.ReadAllLines(Path.Combine(archiveFolder, ModelRegistry.ArchiveManifest)));
        Assert.Contains(archived.Model.Sha256, manifest);

        // The champion, the challenger, the retired version a custom alias still names and the lately retired one keep their files.
        foreach (var kept in new[] { 2, 3, 4, 5 })
        {
            Assert.True(_h.Store.Artifacts.IsPresent(Version(kept).Model), $"version {kept} lost its file");
            Assert.NotEqual(ModelRegistry.Archived, Version(kept).Stage);
        }
        Assert.Equal(["champion"], Version(4).Aliases);
        _h.Store.Artifacts.OpenVerified(Version(4).Model);

        var audit = registry.Transitions("toxicity").Skip(transitionsBefore).ToList();
        Assert.Equal([(5, "purge_shadow"), (4, "purge_decisions"), (1, "archive")], audit.Select(t => (t.Version, t.Action)));
        Assert.All(audit, t => Assert.Equal("run run-maintenance step retention", t.Actor));
        Assert.Contains("3 shadow prediction(s)", audit[0].Reason);

        var again = registry.ApplyRetention(Policy, _now, dryRun: false, "scheduled retention");
        Assert.Equal((0L, 0L), (again.ShadowRows, again.DecisionRows));
        Assert.Empty(again.Archived);
        Assert.Empty(again.Actions);
        Assert.Equal(transitionsBefore + 3, registry.Transitions("toxicity").Count);
        Assert.Single(File.ReadAllLines(Path.Combine(archiveFolder, ModelRegistry.ArchiveManifest)));
    }

    [Fact]
    public void A_dry_run_lists_what_would_go_and_changes_nothing()
    {
        Seed();
        var registry = Registry();
        var transitionsBefore = registry.Transitions("toxicity").Count;

        var report = registry.ApplyRetention(Policy, _now, dryRun: true, "scheduled retention");

        Assert.Equal(3, report.ShadowRows);
        Assert.Equal(4, report.DecisionRows);
        Assert.Equal(["toxicity v1"], report.Archived);
        Assert.Equal(3, report.Actions.Count);
        Assert.Equal(5, _h.Store.Count("shadow_predictions"));
        Assert.Equal(7, _h.Store.Count("decisions"));
        Assert.Equal(2, _h.Store.Count("decision_explanations"));
        Assert.Equal(ModelRegistry.Stages.Retired, Version(1).Stage);
        Assert.True(_h.Store.Artifacts.IsPresent(Version(1).Model));
        Assert.Equal(transitionsBefore, registry.Transitions("toxicity").Count);
    }

    [Fact]
    public void Zero_days_keeps_everything()
    {
        Seed();
        var report = Registry().ApplyRetention(new RetentionSettings { ShadowDays = 0, DecisionDays = 0, ArchiveRetiredDays = 0 }, _now, dryRun: false, "test");
        Assert.Empty(report.Actions);
        Assert.Equal(5, _h.Store.Count("shadow_predictions"));
        Assert.Equal(7, _h.Store.Count("decisions"));
    }

    [Fact]
    public void A_file_another_version_in_use_shares_is_not_archived()
    {
        Seed();
        // The same file registered under a second name, whose version is champion there.
        var shared = Version(1).Model;
        var registry = Registry();
        var other = registry.Register("copy", shared, null, null, "same file, another model");
        registry.Promote("copy", other.Version, "champion", "test");

        var report = registry.ApplyRetention(Policy, _now, dryRun: false, "scheduled retention");

        Assert.Empty(report.Archived);
        Assert.True(_h.Store.Artifacts.IsPresent(shared));
    }

    [Fact]
    public void An_archived_version_cannot_be_pointed_at_until_its_file_is_back()
    {
        Seed();
        var registry = Registry();
        registry.ApplyRetention(Policy, _now, dryRun: false, "scheduled retention");

        var refused = Assert.Throws<InvalidOperationException>(() => registry.Promote("toxicity", 1, "champion", "bring it back"));
        Assert.Contains("archived", refused.Message);
        Assert.Equal(4, registry.Find("toxicity", "champion")!.Version);

        var model = Version(1).Model;
        var opened = Assert.Throws<ArtifactIntegrityException>(() => _h.Store.Artifacts.OpenVerified(model));
        Assert.Contains("archived by retention", opened.Message);
        File.Move(Path.Combine(_h.Store.Layout.Root, ModelRegistry.ArchiveFolder, $"{model.Sha256}.{model.Format}"), _h.Store.Layout.ArtifactPath(model.Sha256, model.Format));
        Assert.Equal(1, registry.Promote("toxicity", 1, "champion", "restored from the archive").Version);
    }
}
