using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Storage;

public sealed class DecisionLogTests : IDisposable
{
    private readonly EngineHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Decisions_are_stored_with_their_features_in_order()
    {
        var log = new StoreDecisionLog(_h.Store, "run-1", "infer");
        using (var writer = log.OpenDecisions("flow", ["ret_1", "std_30"]))
        {
            writer.Append(10, 1_677_628_800_000_000, 3, 0.25, [0.5, double.NaN]);
            writer.Append(11, 1_677_628_800_000_250, 4, 0.75, [-1.0, 2.0]);
            writer.Commit();
            writer.Append(12, 1_677_628_800_000_500, 4, 0.5, [0.0, 0.0]);
            // Disposed without a commit: the complete third decision is written too.
        }

        var rows = _h.Store.Read(c =>
        {
            return c.Rows("SELECT run_id, step_id, trade_id, epoch_us(time), model, model_version, score, features[1], features[2], len(features) FROM decisions ORDER BY trade_id", RowValues.All);
        });
        Assert.Equal(3, rows.Count);
        Assert.Equal(["run-1", "infer", 10L, 1_677_628_800_000_000L, "flow", 3, 0.25, 0.5], rows[0][..8]);
        Assert.True(double.IsNaN((double)rows[0][8]!));
        Assert.Equal([11L, 1_677_628_800_000_250L, "flow", 4, 0.75, -1.0, 2.0, 2L], rows[1][2..]);

        var names = _h.Store.Read(c =>
        {
            return c.Rows("SELECT position, feature FROM decision_features WHERE run_id = 'run-1' ORDER BY position",
                row => $"{row.GetInt32(row.GetOrdinal("position"))}:{row.GetString(row.GetOrdinal("feature"))}").ToArray();
        });
        Assert.Equal(["1:ret_1", "2:std_30"], names);
    }

    [Fact]
    public void A_decision_with_the_wrong_number_of_features_is_refused()
    {
        using var writer = new StoreDecisionLog(_h.Store, "run-1", "infer").OpenDecisions("flow", ["a", "b", "c"]);
        var e = Assert.Throws<ArgumentException>(() => writer.Append(1, 0, 1, 0.5, [1.0, 2.0]));
        Assert.Contains("2 features", e.Message);
        Assert.Contains("3", e.Message);
    }

    [Fact]
    public void Explanations_are_stored_with_their_rank()
    {
        using (var writer = new StoreDecisionLog(_h.Store, "run-2", "infer").OpenExplanations("flow"))
        {
            writer.Append(42, 2, "std_30", -0.3, 1);
            writer.Append(42, 2, "ret_1", 0.1, 2);
            writer.Commit();
        }
        var rows = _h.Store.Read(c =>
        {
            return c.Rows("SELECT run_id, trade_id, model, model_version, feature, shap_value, rank FROM decision_explanations ORDER BY rank", RowValues.All);
        });
        Assert.Equal(["run-2", 42L, "flow", 2, "std_30", -0.3, 1], rows[0]);
        Assert.Equal(["run-2", 42L, "flow", 2, "ret_1", 0.1, 2], rows[1]);
    }
    [Fact]
    public void Each_writer_stores_its_run_step_and_model_once_and_the_view_joins_them_to_its_rows()
    {
        var log = new StoreDecisionLog(_h.Store, "run-3", "infer");
        using (var flow = log.OpenDecisions("flow", ["a"]))
        using (var trend = log.OpenDecisions("trend", ["a"]))
        {
            flow.Append(1, 0, 1, 0.1, [1.0]);
            trend.Append(1, 0, 7, 0.9, [2.0]);
            trend.Append(2, 0, 7, 0.8, [3.0]);
        }

        Assert.Equal(2, _h.Store.Count("decision_streams"));
        Assert.Equal(3, _h.Store.Count("decision_rows"));
        var rows = _h.Store.Read(c =>
        {
            return c.Rows("SELECT model, model_version, trade_id, features[1] FROM decisions WHERE run_id = 'run-3' AND step_id = 'infer' ORDER BY model, trade_id", RowValues.All);
        });
        Assert.Equal(3, rows.Count);
        Assert.Equal(["flow", 1, 1L, 1.0], rows[0]);
        Assert.Equal(["trend", 7, 1L, 2.0], rows[1]);
        Assert.Equal(["trend", 7, 2L, 3.0], rows[2]);
    }

    [Fact]
    public void Decisions_of_a_store_made_before_decision_streams_survive_the_upgrade()
    {
        var layout = new StoreLayout(_h.Workspace.StoreRoot);
        layout.EnsureDirectories();
        using (var connection = RowValues.OpenFile(layout.DatabasePath))
        {
            connection.Execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)");
            foreach (var migration in StoreMigrations.All.Where(m => m.Version <= 5))
            {
                connection.Execute(migration.Sql);
                connection.Execute("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)", migration.Version, migration.Description, DateTime.UtcNow);
            }
            connection.Execute("""
                INSERT INTO decisions VALUES
                    ('old-run', 'infer', 5, TIMESTAMP '2023-03-01 00:00:00', 'flow', 2, 0.25, [0.5, 1.5]),
                    ('old-run', 'infer', 6, TIMESTAMP '2023-03-01 00:00:01', 'flow', 2, NULL, [2.5, 3.5]),
                    ('old-run', 'other', 5, TIMESTAMP '2023-03-01 00:00:02', 'trend', 1, 0.75, [4.5])
                """);
        }

        var rows = _h.Store.Read(c =>
        {
            return c.Rows("SELECT run_id, step_id, trade_id, epoch_us(time), model, model_version, score, features[1], len(features) FROM decisions ORDER BY step_id, trade_id", RowValues.All);
        });
        Assert.Equal(StoreMigrations.All.Max(m => m.Version), _h.Store.SchemaVersion);
        Assert.Equal(2, _h.Store.Count("decision_streams"));
        Assert.Equal(3, rows.Count);
        // 2023-03-01T00:00:00Z is 1,677,628,800 s after the epoch.
        Assert.Equal(["old-run", "infer", 5L, 1_677_628_800_000_000L, "flow", 2, 0.25, 0.5, 2L], rows[0]);
        Assert.Equal(["old-run", "infer", 6L, 1_677_628_801_000_000L, "flow", 2, null, 2.5, 2L], rows[1]);
        Assert.Equal(["old-run", "other", 5L, 1_677_628_802_000_000L, "trend", 1, 0.75, 4.5, 1L], rows[2]);

        // New streams continue the sequence after the migrated ones.
        using (var writer = new StoreDecisionLog(_h.Store, "new-run", "infer").OpenDecisions("flow", ["a"]))
            writer.Append(1, 0, 3, 0.5, [1.0]);
        Assert.Equal(3, _h.Store.Read(c => c.Scalar<int>("SELECT stream_id FROM decision_streams WHERE run_id = 'new-run'")));
    }
}
