using Pipelines.Abstractions;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train.Ensemble;
using Pipelines.Steps.Train.MlNet;
using Pipelines.Testing;

namespace Pipelines.Steps.Tests.Train.Ensemble;

/// <summary>
/// Scoring one row with a three-member ensemble allocates nothing, whatever the kind: members score through the
/// compiled trees, ONNX Runtime's single-row runner or the linear model into buffers they own, and a LightGBM
/// meta-learner through its compiled trees over a meta-feature row the ensemble owns.
/// </summary>
public sealed class EnsembleScoringAllocationTests : IDisposable
{
    private readonly TestStepContext _context = new();
    private readonly EnsembleTraining _train;
    private readonly Artifact _table;

    public EnsembleScoringAllocationTests()
    {
        _train = new EnsembleTraining(_context);
        _table = _train.Table(EnsembleTraining.Rows(300, seed: 13));
    }

    public void Dispose() => _context.Dispose();

    private static EnsembleMemberInput Member(Artifact model, Artifact? outOfSample = null) => new() { Model = model, OutOfSample = outOfSample };

    private Artifact Ensemble(EnsembleKind kind, EnsembleMetaLearner meta = EnsembleMetaLearner.Linear)
    {
        var gbdt = _train.Gbdt(_table, folds: 2);
        var linear = _train.Linear(_table, folds: 2);
        var inputs = new TrainEnsembleInputs { Kind = kind, Meta = meta, Input = _table, Target = "up", Members = new Dictionary<string, EnsembleMemberInput>() };
        return _train.Ensemble(kind switch
        {
            EnsembleKind.Average => inputs with
            {
                Members = new Dictionary<string, EnsembleMemberInput>
                {
                    ["gbdt"] = Member(gbdt.Model), ["forest"] = Member(_train.MlNet(_table, MlNetTrainer.FastForest, "up").Model),
                    ["lbfgs"] = Member(_train.MlNet(_table, MlNetTrainer.LbfgsLogisticRegression, "up").Model),
                },
            },
            EnsembleKind.Stacking => inputs with
            {
                Members = new Dictionary<string, EnsembleMemberInput>
                {
                    ["gbdt"] = Member(gbdt.Model, gbdt.OutOfSample), ["linear"] = Member(linear.Model, linear.OutOfSample),
                    ["shallow"] = Member(_train.Gbdt(_table, folds: 2, features: ["b", "a", "noise"]) is var other ? other.Model : null!, other.OutOfSample),
                },
            },
            _ => inputs with
            {
                Members = new Dictionary<string, EnsembleMemberInput>
                {
                    ["gbdt"] = Member(gbdt.Model), ["forest"] = Member(_train.MlNet(_table, MlNetTrainer.FastForest, "up").Model), ["linear"] = Member(linear.Model),
                },
                Regime = new EnsembleRegimeInput
                {
                    Model = _train.MlNet(_table, MlNetTrainer.Kmeans, null, ["a", "b"]).Model, Routes = new Dictionary<string, string> { ["0"] = "forest", ["1"] = "linear" }, Default = "gbdt",
                },
            },
        }).Model;
    }

    [Theory]
    [InlineData(EnsembleKind.Average)]
    [InlineData(EnsembleKind.Stacking)]
    [InlineData(EnsembleKind.Regime)]
    public void Scoring_a_row_with_three_members_allocates_nothing(EnsembleKind kind) => ScoresWithoutAllocating(Ensemble(kind));

    [Fact]
    public void Scoring_a_row_through_a_LightGBM_meta_learner_allocates_nothing() => ScoresWithoutAllocating(Ensemble(EnsembleKind.Stacking, EnsembleMetaLearner.Gbdt));

    private void ScoresWithoutAllocating(Artifact ensemble)
    {
        var model = _train.Load(ensemble);
        Assert.Equal(3, model.Ensemble!.Members.Count);
        double[] features = [0.1, 1.5, 0.4];
        var output = new double[1];
        for (var i = 0; i < 100; i++) model.Predict(features, output);
        var allocated = AllocationCounter.LeastPerRound(_ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                features[0] = i / 5_000.0 - 1;
                features[1] = i % 400 / 100.0;
                model.Predict(features, output);
            }
        });
        Assert.Equal(0, allocated);
        Assert.InRange(output[0], 0.0, 1.0);
    }
}
