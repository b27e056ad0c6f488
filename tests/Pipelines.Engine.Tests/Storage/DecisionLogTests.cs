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
            using var result = c.Query(
                "SELECT run_id, step_id, trade_id, epoch_us(time), model, model_version, score, features[1], features[2], len(features) FROM decisions ORDER BY trade_id");
            return result.ReadAllRows();
        });
        Assert.Equal(3, rows.Count);
        Assert.Equal(["run-1", "infer", 10L, 1_677_628_800_000_000L, "flow", 3L, 0.25, 0.5], rows[0][..8]);
        Assert.True(double.IsNaN((double)rows[0][8]!));
        Assert.Equal([11L, 1_677_628_800_000_250L, "flow", 4L, 0.75, -1.0, 2.0, 2L], rows[1][2..]);

        var names = _h.Store.Read(c =>
        {
            using var result = c.Query("SELECT position, feature FROM decision_features WHERE run_id = 'run-1' ORDER BY position");
            return result.ReadAllRows().Select(r => $"{r[0]}:{r[1]}").ToArray();
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
            using var result = c.Query("SELECT run_id, trade_id, model, model_version, feature, shap_value, rank FROM decision_explanations ORDER BY rank");
            return result.ReadAllRows();
        });
        Assert.Equal(["run-2", 42L, "flow", 2L, "std_30", -0.3, 1L], rows[0]);
        Assert.Equal(["run-2", 42L, "flow", 2L, "ret_1", 0.1, 2L], rows[1]);
    }
}
