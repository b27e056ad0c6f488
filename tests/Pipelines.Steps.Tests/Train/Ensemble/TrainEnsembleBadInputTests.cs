using Pipelines.Abstractions;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train.Ensemble;
using Pipelines.Steps.Train.MlNet;

namespace Pipelines.Steps.Tests.Train.Ensemble;

/// <summary>What only the members show is refused at run time, naming the input path (so the engine points at it) and the value.</summary>
public sealed class TrainEnsembleBadInputTests : IDisposable
{
    private readonly TestStepContext _context = new() { ModelRegistry = new MemoryModelRegistry() };
    private readonly EnsembleTraining _train;
    private readonly Artifact _table;

    public TrainEnsembleBadInputTests()
    {
        _train = new EnsembleTraining(_context);
        _table = _train.Table(EnsembleTraining.Rows(200, seed: 17));
    }

    public void Dispose() => _context.Dispose();

    private StepInputException Refused(TrainEnsembleInputs inputs) => Assert.Throws<StepInputException>(() => _train.Ensemble(inputs));

    private TrainEnsembleInputs Inputs(EnsembleKind kind, Dictionary<string, EnsembleMemberInput> members) =>
        new() { Kind = kind, Input = _table, Target = "up", Members = members };

    [Fact]
    public void A_member_reading_other_features_than_its_siblings_is_named()
    {
        var error = Refused(Inputs(EnsembleKind.Average, new()
        {
            ["wide"] = new() { Model = _train.Gbdt(_table).Model }, ["narrow"] = new() { Model = _train.Gbdt(_table, features: ["a", "b"]).Model },
        }));
        Assert.Equal("members.narrow", error.Input);
        Assert.Equal("member 'narrow' reads features [a, b], but member 'wide' reads [a, b, noise]; every member of an ensemble must read the same features", error.Message);
    }

    [Fact]
    public void A_route_to_a_cluster_the_k_means_model_does_not_have_is_refused()
    {
        var regimes = _train.MlNet(_table, MlNetTrainer.Kmeans, null, ["a", "b"], clusters: 2);
        var error = Refused(Inputs(EnsembleKind.Regime, new() { ["gbdt"] = new() { Model = _train.Gbdt(_table).Model } }) with
        {
            Regime = new EnsembleRegimeInput { Model = regimes.Model, Routes = new Dictionary<string, string> { ["2"] = "gbdt" }, Default = "gbdt" },
        });
        Assert.Equal("regime.routes", error.Input);
        Assert.Equal("route '2' names a regime the k-means model does not have: it finds 2 clusters (0 to 1)", error.Message);
    }

    [Fact]
    public void A_k_means_model_given_as_a_member_is_refused()
    {
        var regimes = _train.MlNet(_table, MlNetTrainer.Kmeans, null, ["a", "b", "noise"], clusters: 2);
        var error = Refused(Inputs(EnsembleKind.Average, new() { ["gbdt"] = new() { Model = _train.Gbdt(_table).Model }, ["regimes"] = new() { Model = regimes.Model } }));
        Assert.Equal("members.regimes", error.Input);
        Assert.Contains("k-means", error.Message);
    }

    [Fact]
    public void Weights_that_do_not_match_the_members_are_refused()
    {
        var model = _train.Gbdt(_table).Model;
        var members = new Dictionary<string, EnsembleMemberInput> { ["a"] = new() { Model = model }, ["b"] = new() { Model = model } };
        Assert.Equal("weights", Refused(Inputs(EnsembleKind.Average, members) with { Weights = new Dictionary<string, double> { ["a"] = 1, ["c"] = 1 } }).Input);
        Assert.Equal("weights", Refused(Inputs(EnsembleKind.Average, members) with { Weights = new Dictionary<string, double> { ["a"] = 1, ["b"] = -1 } }).Input);
        Assert.Equal("weights", Refused(Inputs(EnsembleKind.Stacking, members) with { Weights = new Dictionary<string, double> { ["a"] = 1, ["b"] = 1 } }).Input);
    }

    [Fact]
    public void Stacking_without_a_members_out_of_fold_predictions_is_refused()
    {
        var gbdt = _train.Gbdt(_table, folds: 2);
        var error = Refused(Inputs(EnsembleKind.Stacking, new() { ["gbdt"] = new() { Model = gbdt.Model, OutOfSample = gbdt.OutOfSample }, ["plain"] = new() { Model = _train.Linear(_table).Model } }));
        Assert.Equal("members.plain", error.Input);
        Assert.Contains("out_of_sample", error.Message);
    }

    [Fact]
    public void A_meta_learner_for_another_kind_than_stacking_or_the_other_learners_options_are_refused()
    {
        var model = _train.Gbdt(_table).Model;
        var members = new Dictionary<string, EnsembleMemberInput> { ["a"] = new() { Model = model }, ["b"] = new() { Model = model } };
        Assert.Equal("meta", Refused(Inputs(EnsembleKind.Average, members) with { Meta = EnsembleMetaLearner.Gbdt }).Input);
        var l2 = Refused(Inputs(EnsembleKind.Stacking, members) with { Meta = EnsembleMetaLearner.Gbdt, MetaL2 = 2 });
        Assert.Equal(("meta_l2", "meta_l2 is the linear meta-learner's penalty; for meta: gbdt give LightGBM's lambda_l2 in meta_params"), (l2.Input, l2.Message));
        Assert.Equal("meta_params", Refused(Inputs(EnsembleKind.Stacking, members) with { MetaParams = new Dictionary<string, string> { ["num_leaves"] = "3" } }).Input);
    }

    [Fact]
    public void LightGBMs_refusal_of_a_meta_parameter_value_names_meta_params()
    {
        var gbdt = _train.Gbdt(_table, folds: 2);
        var linear = _train.Linear(_table, folds: 2);
        var error = Refused(Inputs(EnsembleKind.Stacking, new() { ["gbdt"] = new() { Model = gbdt.Model, OutOfSample = gbdt.OutOfSample }, ["linear"] = new() { Model = linear.Model, OutOfSample = linear.OutOfSample } }) with
        {
            Meta = EnsembleMetaLearner.Gbdt, MetaParams = new Dictionary<string, string> { ["num_leaves"] = "many" },
        });
        Assert.Equal("meta_params", error.Input);
        Assert.Contains("num_leaves", error.Message);
    }

    [Fact]
    public void A_registered_member_that_does_not_exist_is_named_with_its_reference()
    {
        var error = Refused(Inputs(EnsembleKind.Regime, new() { ["old"] = new() { Registered = "flow@champion" } }) with
        {
            Regime = new EnsembleRegimeInput { Column = "a", Default = "old" },
        });
        Assert.Equal("members.old.registered", error.Input);
        Assert.Equal("'flow@champion': model 'flow' has no version or alias 'champion'", error.Message);
    }

    [Fact]
    public void A_registered_version_is_a_member_pinned_to_its_number()
    {
        var registered = _context.Registry.Register("flow", _train.Gbdt(_table).Model, null, null, "test");
        _context.Registry.Promote("flow", registered.Version, "champion", "test");
        var outputs = _train.Ensemble(Inputs(EnsembleKind.Average, new() { ["old"] = new() { Registered = "flow@champion" }, ["new"] = new() { Model = _train.Gbdt(_table, features: ["noise", "b", "a"]).Model } }));
        var manifest = EnsembleManifest.Parse(File.ReadAllText(_context.FullPath(outputs.Model)), "manifest");
        Assert.Equal($"flow@{registered.Version}", manifest.Members[0].Source);
        Assert.Equal(registered.Model.Sha256, manifest.Members[0].Sha256);
    }

    [Fact]
    public void A_member_file_altered_after_the_manifest_was_written_is_refused_on_load()
    {
        var model = _train.Gbdt(_table).Model;
        var outputs = _train.Ensemble(Inputs(EnsembleKind.Average, new() { ["a"] = new() { Model = model }, ["b"] = new() { Model = _train.Linear(_table).Model } }));
        var manifestPath = _context.FullPath(outputs.Model);
        var altered = Path.Combine(_context.WorkspaceRoot, "altered.txt");
        File.WriteAllText(altered, File.ReadAllText(_context.FullPath(model)).Replace("learning_rate", "learning_rate "));
        var error = Assert.Throws<Pipelines.Learning.Trees.ModelFormatException>(() =>
            EnsembleModel.Load(manifestPath, sha => sha == model.Sha256 ? altered : _context.OpenArtifact(_context.FindArtifact(sha)!)));
        Assert.Contains($"the member 'a' hashes to", error.Message);
    }
}
