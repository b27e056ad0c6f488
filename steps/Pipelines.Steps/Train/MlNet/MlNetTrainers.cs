using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Pipelines.Abstractions;
using Pipelines.Learning.Data;

namespace Pipelines.Steps.Train.MlNet;

/// <summary>
/// Each trainer's fit call: ML.NET's trainer with our options, on rows whose labels fit the task. Binary tree and
/// additive models are Platt-calibrated (FastTree and GAM by their trainers, FastForest by ML.NET's Platt
/// calibrator fitted on the same training rows), so every binary model predicts a probability.
/// </summary>
internal static class MlNetTrainers
{
    /// <summary>The tasks each trainer can learn.</summary>
    public static IReadOnlyList<ModelTask> Tasks(MlNetTrainer trainer) => trainer switch
    {
        MlNetTrainer.FastForest or MlNetTrainer.FastTree or MlNetTrainer.Gam => [ModelTask.Binary, ModelTask.Regression],
        MlNetTrainer.LbfgsLogisticRegression => [ModelTask.Binary, ModelTask.Multiclass],
        MlNetTrainer.OnlineGradientDescent => [ModelTask.Regression],
        _ => [ModelTask.Clustering],
    };

    public static MlNetFit Fit(TrainMlNetInputs inputs, ModelTask task, int classes, DenseDataset rows)
    {
        var ml = new MLContext(inputs.Seed);
        var features = MlNetData.FeaturesColumn;
        var label = MlNetData.LabelColumn;
        var data = task == ModelTask.Clustering ? MlNetData.Features(ml, rows) : MlNetData.Labelled(ml, rows, task, classes);
        try
        {
            switch (inputs.Trainer, task)
            {
                case (MlNetTrainer.FastForest, ModelTask.Binary):
                {
                    var o = inputs.FastForest ?? new MlNetFastForestOptions();
                    var forest = ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options
                    {
                        LabelColumnName = label, FeatureColumnName = features, NumberOfTrees = o.Trees, NumberOfLeaves = o.Leaves,
                        MinimumExampleCountPerLeaf = o.MinRowsPerLeaf, FeatureFraction = o.FeatureFraction, BaggingExampleFraction = o.BaggingFraction,
                        NumberOfThreads = 1, Seed = inputs.Seed,
                    }).Fit(data);
                    var calibrator = ml.BinaryClassification.Calibrators.Platt(label).Fit(forest.Transform(data));
                    return new MlNetFit(ml, new TransformerChain<ITransformer>(forest, calibrator), task, classes, forest.Model);
                }
                case (MlNetTrainer.FastForest, _):
                {
                    var o = inputs.FastForest ?? new MlNetFastForestOptions();
                    var model = ml.Regression.Trainers.FastForest(new FastForestRegressionTrainer.Options
                    {
                        LabelColumnName = label, FeatureColumnName = features, NumberOfTrees = o.Trees, NumberOfLeaves = o.Leaves,
                        MinimumExampleCountPerLeaf = o.MinRowsPerLeaf, FeatureFraction = o.FeatureFraction, BaggingExampleFraction = o.BaggingFraction,
                        NumberOfThreads = 1, Seed = inputs.Seed,
                    }).Fit(data);
                    return new MlNetFit(ml, model, task, classes, model.Model);
                }
                case (MlNetTrainer.FastTree, ModelTask.Binary):
                {
                    var o = inputs.FastTree ?? new MlNetFastTreeOptions();
                    var model = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
                    {
                        LabelColumnName = label, FeatureColumnName = features, NumberOfTrees = o.Trees, NumberOfLeaves = o.Leaves,
                        MinimumExampleCountPerLeaf = o.MinRowsPerLeaf, LearningRate = o.LearningRate, FeatureFraction = o.FeatureFraction,
                        NumberOfThreads = 1, Seed = inputs.Seed,
                    }).Fit(data);
                    return new MlNetFit(ml, model, task, classes, model.Model.SubModel);
                }
                case (MlNetTrainer.FastTree, _):
                {
                    var o = inputs.FastTree ?? new MlNetFastTreeOptions();
                    var model = ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
                    {
                        LabelColumnName = label, FeatureColumnName = features, NumberOfTrees = o.Trees, NumberOfLeaves = o.Leaves,
                        MinimumExampleCountPerLeaf = o.MinRowsPerLeaf, LearningRate = o.LearningRate, FeatureFraction = o.FeatureFraction,
                        NumberOfThreads = 1, Seed = inputs.Seed,
                    }).Fit(data);
                    return new MlNetFit(ml, model, task, classes, model.Model);
                }
                case (MlNetTrainer.Gam, ModelTask.Binary):
                {
                    var o = inputs.Gam ?? new MlNetGamOptions();
                    var model = ml.BinaryClassification.Trainers.Gam(new GamBinaryTrainer.Options
                    {
                        LabelColumnName = label, FeatureColumnName = features, NumberOfIterations = o.Iterations, MaximumBinCountPerFeature = o.MaxBins,
                        LearningRate = o.LearningRate, MinimumExampleCountPerLeaf = o.MinRowsPerLeaf, NumberOfThreads = 1, Seed = inputs.Seed,
                    }).Fit(data);
                    return new MlNetFit(ml, model, task, classes, model.Model);
                }
                case (MlNetTrainer.Gam, _):
                {
                    var o = inputs.Gam ?? new MlNetGamOptions();
                    var model = ml.Regression.Trainers.Gam(new GamRegressionTrainer.Options
                    {
                        LabelColumnName = label, FeatureColumnName = features, NumberOfIterations = o.Iterations, MaximumBinCountPerFeature = o.MaxBins,
                        LearningRate = o.LearningRate, MinimumExampleCountPerLeaf = o.MinRowsPerLeaf, NumberOfThreads = 1, Seed = inputs.Seed,
                    }).Fit(data);
                    return new MlNetFit(ml, model, task, classes, model.Model);
                }
                case (MlNetTrainer.LbfgsLogisticRegression, ModelTask.Binary):
                {
                    var o = inputs.LbfgsLogisticRegression ?? new MlNetLbfgsOptions();
                    var model = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
                    {
                        LabelColumnName = label, FeatureColumnName = features, L1Regularization = (float)o.L1, L2Regularization = (float)o.L2,
                        OptimizationTolerance = (float)o.Tolerance, HistorySize = o.HistorySize, MaximumNumberOfIterations = o.MaxIterations, NumberOfThreads = 1,
                    }).Fit(data);
                    return new MlNetFit(ml, model, task, classes, model.Model.SubModel);
                }
                case (MlNetTrainer.LbfgsLogisticRegression, _):
                {
                    var o = inputs.LbfgsLogisticRegression ?? new MlNetLbfgsOptions();
                    var model = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
                    {
                        LabelColumnName = label, FeatureColumnName = features, L1Regularization = (float)o.L1, L2Regularization = (float)o.L2,
                        OptimizationTolerance = (float)o.Tolerance, HistorySize = o.HistorySize, MaximumNumberOfIterations = o.MaxIterations, NumberOfThreads = 1,
                    }).Fit(data);
                    return new MlNetFit(ml, model, task, classes, model.Model);
                }
                case (MlNetTrainer.OnlineGradientDescent, _):
                {
                    var o = inputs.OnlineGradientDescent ?? new MlNetOnlineGradientDescentOptions();
                    var model = ml.Regression.Trainers.OnlineGradientDescent(new OnlineGradientDescentTrainer.Options
                    {
                        LabelColumnName = label, FeatureColumnName = features, LearningRate = (float)o.LearningRate, DecreaseLearningRate = o.DecreaseLearningRate,
                        L2Regularization = (float)o.L2, NumberOfIterations = o.Passes,
                    }).Fit(data);
                    return new MlNetFit(ml, model, task, classes, model.Model);
                }
                default:
                {
                    var o = inputs.Kmeans ?? new MlNetKmeansOptions();
                    var model = ml.Clustering.Trainers.KMeans(new KMeansTrainer.Options
                    {
                        FeatureColumnName = features, NumberOfClusters = o.Clusters, MaximumNumberOfIterations = o.MaxIterations,
                        OptimizationTolerance = (float)o.Tolerance, NumberOfThreads = 1,
                    }).Fit(data);
                    return new MlNetFit(ml, model, task, classes, model.Model);
                }
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // ML.NET checks its options when it trains; its refusal names the option in its own words.
            throw new StepInputException(OptionsInput(inputs.Trainer), $"ML.NET refused to train {Name(inputs.Trainer)}: {e.Message}");
        }
    }

    /// <summary>The trainer's name as pipelines write it.</summary>
    public static string Name(MlNetTrainer trainer) => trainer switch
    {
        MlNetTrainer.FastForest => "fast_forest",
        MlNetTrainer.FastTree => "fast_tree",
        MlNetTrainer.Gam => "gam",
        MlNetTrainer.LbfgsLogisticRegression => "lbfgs_logistic_regression",
        MlNetTrainer.OnlineGradientDescent => "online_gradient_descent",
        _ => "kmeans",
    };

    /// <summary>The input holding a trainer's options: named like the trainer.</summary>
    public static string OptionsInput(MlNetTrainer trainer) => Name(trainer);

    /// <summary>Whether the trainer's model is a tree ensemble once exported (our reader, compiled scorer and TreeSHAP take it).</summary>
    public static bool IsTreeModel(MlNetTrainer trainer) => trainer is MlNetTrainer.FastForest or MlNetTrainer.FastTree or MlNetTrainer.Gam;
}
