using System.Globalization;
using Pipelines.Abstractions;
using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;

namespace Pipelines.Steps.Train.Ensemble;

/// <summary>
/// Stacking's LightGBM meta-learner, trained by LightGBM itself (as train/gbdt trains) on the members' out-of-fold
/// predictions: binary on their log-odds, regression on their values, multiclass on every member's K class
/// probabilities (K·M features) with LightGBM's multiclass objective. It learns from a handful of meta-features and a
/// few hundred rows, so its defaults are small trees and few rounds; meta_params override them by LightGBM's names.
/// </summary>
public static class GbdtMetaLearner
{
    /// <summary>The defaults, each overridden by meta_params under any of its LightGBM names.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Defaults =
    [
        new("num_iterations", "50"), new("learning_rate", "0.1"), new("num_leaves", "4"), new("min_data_in_leaf", "20"),
        new("lambda_l2", "1"), new("seed", "1"),
    ];

    /// <summary>meta_params over the defaults, with the objective (and class count) the members' task asks for.</summary>
    public static LightGbmParameters Parameters(IReadOnlyDictionary<string, string> given, ModelTask task, int classes)
    {
        var keys = new GbdtMetaParameterKeys();
        foreach (var name in given.Keys)
        {
            if (keys.Problem(name) is { } problem) throw new StepInputException("meta_params", problem);
        }
        try
        {
            var parameters = LightGbmParameters.From(given);
            foreach (var (name, value) in Defaults) parameters = parameters.WithDefault(name, value);
            parameters = parameters.With("objective", task switch
            {
                ModelTask.Binary => "binary",
                ModelTask.Multiclass => "multiclass",
                _ => "regression",
            });
            return task == ModelTask.Multiclass ? parameters.With("num_class", classes.ToString(CultureInfo.InvariantCulture)) : parameters;
        }
        catch (ArgumentException e)
        {
            throw new StepInputException("meta_params", e.Message);
        }
    }

    /// <summary>Trains on the meta-features; LightGBM's refusals name meta_params. The caller disposes the booster.</summary>
    public static LightGbmBooster Fit(DenseDataset training, LightGbmParameters parameters, CancellationToken cancellationToken)
    {
        try
        {
            return LightGbmTrainer.Train(training, null, parameters, cancellationToken);
        }
        catch (LightGbmException e)
        {
            throw new StepInputException("meta_params", e.Message);
        }
        catch (ArgumentException e)
        {
            throw new StepInputException("meta_params", e.Message);
        }
    }

    /// <summary>
    /// The meta-features' names: the member's name for binary and regression (one prediction each), the member's name
    /// and the class index for multiclass (member_p0, member_p1, ...).
    /// </summary>
    public static IReadOnlyList<string> FeatureNames(IReadOnlyList<string> members, int outputs) => outputs == 1
        ? members
        : members.SelectMany(m => Enumerable.Range(0, outputs).Select(c => string.Create(CultureInfo.InvariantCulture, $"{m}_p{c}"))).ToList();
}
