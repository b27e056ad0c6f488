using System.Globalization;
using System.Text;
using Pipelines.Abstractions;
using Pipelines.Cluster.Tests.Support;
using Pipelines.Engine.Storage;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// On a PostgreSQL store, as on DuckDB: the files an ensemble names are recorded with the step that made it, so
/// retention keeps a retired member's file while the ensemble is in use, and a stacking ensemble's meta-learner is found
/// by its hash. Members are trained, registered and combined (as step outputs, and as registered versions) in one run.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class EnsembleRetentionTests(PostgresServer server)
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    private const string Ensembles = """
        name: ensembles
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
            with: { input: "${{ steps.rows.outputs.table }}", target: up, objective: logistic, exclude: [t], folds: 2 }
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
          - id: average
            uses: train/ensemble
            needs: [register-gbdt, register-linear]
            with:
              kind: average
              input: ${{ steps.rows.outputs.table }}
              target: up
              members:
                gbdt: { registered: updown-gbdt@1 }
                linear: { registered: updown-linear@1 }
          - id: register-stacked
            uses: registry/register
            with: { name: updown-stacked, model: "${{ steps.stacked.outputs.model }}" }
          - id: promote-stacked
            uses: registry/promote
            with: { name: updown-stacked, version: "${{ steps.register-stacked.outputs.version }}", reason: test }
          - id: register-average
            uses: registry/register
            with: { name: updown-average, model: "${{ steps.average.outputs.model }}" }
          - id: promote-average
            uses: registry/promote
            with: { name: updown-average, version: "${{ steps.register-average.outputs.version }}", reason: test }
        """;

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

    private static string Rows()
    {
        var random = new Random(4);
        var csv = new StringBuilder("t,a,b,noise,up\n");
        for (var t = 0; t < 600; t++)
        {
            double a = random.NextDouble() * 2 - 1, b = random.NextDouble() * 2 - 1, noise = random.NextDouble();
            var up = a + 0.5 * b + 0.3 * (random.NextDouble() - 0.5) > 0 ? 1 : 0;
            csv.Append(string.Create(CultureInfo.InvariantCulture, $"{t},{a},{b},{noise},{up}\n"));
        }
        return csv.ToString();
    }

    [Fact]
    public async Task Retention_keeps_the_members_of_ensembles_in_use_and_archives_them_once_the_ensembles_are_retired()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("ensembles"));
        workspace.Write("data/rows.csv", Rows());
        var trained = await workspace.RunAsync(Bound, "run", workspace.Write("ensembles.yaml", Ensembles));
        Assert.True(trained.ExitCode == 0, trained.All);

        var policy = new RetentionSettings { ArchiveRetiredDays = 180 };
        var now = DateTime.UtcNow;
        Artifact gbdt, linear;
        using (var store = workspace.OpenStore())
        {
            var registry = new ModelRegistry(store, RegistryActor.Person(), 20);
            gbdt = registry.Find("updown-gbdt", "1")!.Model;
            linear = registry.Find("updown-linear", "1")!.Model;
            foreach (var member in new[] { "updown-gbdt", "updown-linear" })
            {
                registry.Retire(member, 1, "replaced");
                store.Read(c => c.Execute("UPDATE model_transitions SET changed_at = ? WHERE name = ? AND to_stage = 'retired'", now.AddDays(-200), member));
            }

            var report = registry.ApplyRetention(policy, now, dryRun: false, "scheduled retention");

            Assert.Empty(report.Archived);
            Assert.Contains(report.Actions, a => a.StartsWith("keep updown-gbdt v1", StringComparison.Ordinal) && a.Contains("updown-average v1, updown-stacked v1"));
            Assert.True(store.Artifacts.IsPresent(gbdt));
            Assert.True(store.Artifacts.IsPresent(linear));
        }
        var scored = await workspace.RunAsync(Bound, "run", workspace.Write("score.yaml", Score));
        Assert.True(scored.ExitCode == 0, scored.All);

        using (var store = workspace.OpenStore())
        {
            var registry = new ModelRegistry(store, RegistryActor.Person(), 20);
            foreach (var ensemble in new[] { "updown-stacked", "updown-average" })
            {
                var successor = registry.Register(ensemble, RegistryConcurrencyTests.Model(store, $"the successor of {ensemble}"), null, null, "better");
                registry.Promote(ensemble, successor.Version, ModelRegistry.Champion, "better");
                store.Read(c => c.Execute("UPDATE model_transitions SET changed_at = ? WHERE name = ? AND version = 1 AND to_stage = 'retired'", now.AddDays(-200), ensemble));
            }

            var report = registry.ApplyRetention(policy, now, dryRun: false, "scheduled retention");

            Assert.Equal(["updown-average v1", "updown-gbdt v1", "updown-linear v1", "updown-stacked v1"], report.Archived);
            Assert.False(store.Artifacts.IsPresent(gbdt));
            Assert.False(store.Artifacts.IsPresent(linear));
        }
    }
}
