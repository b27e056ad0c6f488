using System.Globalization;
using System.Text;
using Pipelines.Abstractions;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Registry;

/// <summary>
/// Retention beside ensembles, with the real train steps on a real store: a LightGBM and a linear member are trained and
/// registered; a stacking ensemble of the two steps' outputs and an average of their registered versions are each
/// registered and made champion. The members' versions were retired long ago. While an ensemble naming their files is
/// in use, retention keeps the files (saying why) and both ensembles load and score; once the ensembles are retired
/// too, the member files are archived by the ordinary rule.
/// </summary>
public sealed class EnsembleRetentionTests : IDisposable
{
    private static readonly RetentionSettings Policy = new() { ArchiveRetiredDays = 180 };

    private readonly EngineHarness _h = new();
    private readonly DateTime _now = DateTime.UtcNow;

    public EnsembleRetentionTests()
    {
        var random = new Random(4);
        var csv = new StringBuilder("t,a,b,noise,up\n");
        for (var t = 0; t < 600; t++)
        {
            double a = random.NextDouble() * 2 - 1, b = random.NextDouble() * 2 - 1, noise = random.NextDouble();
            var up = a + 0.5 * b + 0.3 * (random.NextDouble() - 0.5) > 0 ? 1 : 0;
            csv.Append(string.Create(CultureInfo.InvariantCulture, $"{t},{a},{b},{noise},{up}\n"));
        }
        _h.Workspace.Write("data/rows.csv", csv.ToString());
    }

    public void Dispose() => _h.Dispose();

    private const string Members = """
        name: members
        steps:
          - id: rows
            uses: ingest/csv
            with: { path: data/rows.csv }
          - id: gbdt
            uses: train/gbdt
            with:
              input: ${{ steps.rows.outputs.table }}
              target: up
              objective: binary
              exclude: [t]
              folds: 2
              params: { num_iterations: 10, min_data_in_leaf: 10 }
          - id: linear
            uses: train/linear
            with:
              input: ${{ steps.rows.outputs.table }}
              target: up
              objective: logistic
              exclude: [t]
              folds: 2
          - id: register-gbdt
            uses: registry/register
            with: { name: updown-gbdt, model: "${{ steps.gbdt.outputs.model }}" }
          - id: register-linear
            uses: registry/register
            with: { name: updown-linear, model: "${{ steps.linear.outputs.model }}" }
          - id: stacked
            uses: train/ensemble
            with:
              kind: stacking
              input: ${{ steps.rows.outputs.table }}
              target: up
              members:
                gbdt: { model: "${{ steps.gbdt.outputs.model }}", out_of_sample: "${{ steps.gbdt.outputs.out_of_sample }}" }
                linear: { model: "${{ steps.linear.outputs.model }}", out_of_sample: "${{ steps.linear.outputs.out_of_sample }}" }
          - id: register-stacked
            uses: registry/register
            with: { name: updown-stacked, model: "${{ steps.stacked.outputs.model }}" }
          - id: promote-stacked
            uses: registry/promote
            with: { name: updown-stacked, version: "${{ steps.register-stacked.outputs.version }}", reason: test }
        """;

    private const string Averaged = """
        name: averaged
        steps:
          - id: rows
            uses: ingest/csv
            with: { path: data/rows.csv }
          - id: average
            uses: train/ensemble
            with:
              kind: average
              input: ${{ steps.rows.outputs.table }}
              target: up
              members:
                gbdt: { registered: updown-gbdt@1 }
                linear: { registered: updown-linear@1 }
          - id: register
            uses: registry/register
            with: { name: updown-average, model: "${{ steps.average.outputs.model }}" }
          - id: promote
            uses: registry/promote
            with: { name: updown-average, version: "${{ steps.register.outputs.version }}", reason: test }
        """;

    /// <summary>Both champions loaded by name and explained on the rows: each member file opened, checked and scored.</summary>
    private const string Score = """
        name: score
        steps:
          - id: rows
            uses: ingest/csv
            with: { path: data/rows.csv }
          - id: stacked
            uses: explain/shap
            with: { model: updown-stacked, data: "${{ steps.rows.outputs.table }}", max_rows: 50 }
          - id: average
            uses: explain/shap
            with: { model: updown-average, data: "${{ steps.rows.outputs.table }}", max_rows: 50 }
        """;

    private ModelRegistry Registry() => new(_h.Store, RegistryActor.Step("run-maintenance", "retention", null), 20);

    private void Succeeds(string pipeline)
    {
        var run = _h.Run(pipeline, force: true);
        Assert.True(run.Status == RunStatus.Succeeded, _h.Failures(run));
    }

    /// <summary>Retires each model's version 1 and moves its retirement back 200 days, past the policy's 180.</summary>
    private void RetireLongAgo(params string[] models)
    {
        foreach (var model in models)
        {
            Registry().Retire(model, 1, "replaced");
            LongAgo(model);
        }
    }

    /// <summary>A new champion (another file) for the model, which retires version 1, retired 200 days ago.</summary>
    private void ReplaceLongAgo(string model)
    {
        Succeeds($$$"""
            name: replace
            steps:
              - id: model
                uses: test/model
                with: { text: "the successor of {{{model}}}" }
              - id: register
                uses: registry/register
                with: { name: {{{model}}}, model: "${{ steps.model.outputs.file }}" }
              - id: promote
                uses: registry/promote
                with: { name: {{{model}}}, version: "${{ steps.register.outputs.version }}", reason: better }
            """);
        Assert.Equal(ModelRegistry.Stages.Retired, Registry().Find(model, "1")!.Stage);
        LongAgo(model);
    }

    private void LongAgo(string model) =>
        _h.Store.Read(c => c.Execute("UPDATE model_transitions SET changed_at = ? WHERE name = ? AND version = 1 AND to_stage = 'retired'", _now.AddDays(-200), model));

    private Artifact File(string model) => Registry().Find(model, "1")!.Model;

    [Fact]
    public void Member_files_an_ensemble_in_use_names_are_kept_and_archived_once_the_ensembles_are_retired()
    {
        Succeeds(Members);
        Succeeds(Averaged);
        Succeeds(Score);
        RetireLongAgo("updown-gbdt", "updown-linear");
        var registry = Registry();
        var gbdt = File("updown-gbdt");
        var linear = File("updown-linear");

        var dry = registry.ApplyRetention(Policy, _now, dryRun: true, "scheduled retention");
        var real = registry.ApplyRetention(Policy, _now, dryRun: false, "scheduled retention");

        Assert.Empty(real.Archived);
        Assert.Equal(dry.Actions, real.Actions);
        Assert.Equal(2, real.Actions.Count);
        Assert.Contains(real.Actions, a => a.StartsWith($"keep updown-gbdt v1 model file {gbdt.Sha256[..12]}", StringComparison.Ordinal)
            && a.Contains("updown-average v1") && a.Contains("updown-stacked v1"));
        Assert.Contains(real.Actions, a => a.StartsWith($"keep updown-linear v1 model file {linear.Sha256[..12]}", StringComparison.Ordinal));
        Assert.DoesNotContain(real.Actions, a => a.StartsWith("archive", StringComparison.Ordinal));
        Assert.True(_h.Store.Artifacts.IsPresent(gbdt));
        Assert.True(_h.Store.Artifacts.IsPresent(linear));
        Assert.Equal(ModelRegistry.Stages.Retired, Registry().Find("updown-gbdt", "1")!.Stage);
        Assert.DoesNotContain(registry.Transitions("updown-gbdt"), t => t.Action == "archive");
        Succeeds(Score);

        // One ensemble retired: the other still needs both files.
        ReplaceLongAgo("updown-stacked");
        Assert.Equal(["updown-stacked v1"], registry.ApplyRetention(Policy, _now, dryRun: false, "scheduled retention").Archived);
        Assert.True(_h.Store.Artifacts.IsPresent(gbdt));

        ReplaceLongAgo("updown-average");
        var after = registry.ApplyRetention(Policy, _now, dryRun: false, "scheduled retention");
        Assert.Equal(["updown-average v1", "updown-gbdt v1", "updown-linear v1"], after.Archived);
        Assert.DoesNotContain(after.Actions, a => a.StartsWith("keep", StringComparison.Ordinal));
        Assert.False(_h.Store.Artifacts.IsPresent(gbdt));
        Assert.False(_h.Store.Artifacts.IsPresent(linear));
    }

    [Fact]
    public void Ensembles_registered_before_the_store_recorded_references_keep_their_members_after_the_upgrade()
    {
        Succeeds(Members);
        Succeeds(Averaged);
        var stacked = File("updown-stacked").Sha256;
        var average = File("updown-average").Sha256;
        var gbdt = File("updown-gbdt").Sha256;
        var linear = File("updown-linear").Sha256;
        // The store as the previous release left it: schema version 16, no references.
        _h.CloseStore();
        using (var connection = RowValues.OpenFile(new StoreLayout(_h.Workspace.StoreRoot).DatabasePath))
        {
            connection.Execute("DROP TABLE artifact_references");
            connection.Execute("DELETE FROM schema_migrations WHERE version = 17");
        }

        // Upgrading takes the references from lineage: each ensemble needs the member models it was made from, and no model
        // needs a table. The stacking meta-learner, also a model made from the members, is taken to need them too: a file
        // kept a while longer, never one missing.
        var references = _h.Store.Read(c => c.Rows("SELECT DISTINCT sha256, referenced_sha256 FROM artifact_references", row => (row.GetString(0), row.GetString(1))));
        var meta = _h.Store.Read(c => c.Rows("SELECT DISTINCT sha256 FROM step_outputs WHERE output = 'meta_model'", row => row.GetString(0))).Single();
        Assert.Equal(new[] { (stacked, gbdt), (stacked, linear), (average, gbdt), (average, linear), (meta, gbdt), (meta, linear) }.Order(), references.Order());

        RetireLongAgo("updown-gbdt", "updown-linear");
        var report = Registry().ApplyRetention(Policy, _now, dryRun: false, "scheduled retention");
        Assert.Empty(report.Archived);
        Succeeds(Score);
    }
}
