using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Learning.Metrics;
using Pipelines.Learning.Trees;
using Pipelines.Steps.Features;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Shadow;

/// <summary>
/// Replays recent decisions through the champion and a challenger side by side, records every paired
/// prediction with its outcome, and decides with a paired bootstrap whether the challenger is really better —
/// not just better on this sample — before anything is promoted. The decision, and the figures it was made on, are
/// published as <c>shadow.decided</c>.
/// </summary>
[Step("shadow/compare", "Shadow", "Shadow comparison", Cacheable = false,
    Description = "Replay recent data through the champion and a challenger, record paired predictions and outcomes, and decide promote/keep with a paired bootstrap once min_predictions outcomes exist; canary fraction optional.")]
public sealed class ShadowCompareStep : Step<ShadowCompareInputs, ShadowCompareOutputs>
{
    public override Task<ShadowCompareOutputs> ExecuteAsync(ShadowCompareInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (inputs.MinPredictions < 1) throw new StepInputException("min_predictions", "must be at least 1");
        if (inputs.CanaryFraction is <= 0 or > 1) throw new StepInputException("canary_fraction", "must be in (0, 1]");
        var champion = context.Registry.Find(inputs.Model, inputs.Champion)
            ?? throw new StepInputException("champion", $"model '{inputs.Model}' has no '{inputs.Champion}'");
        var challenger = context.Registry.Find(inputs.Model, inputs.Challenger.ToString(CultureInfo.InvariantCulture))
            ?? throw new StepInputException("challenger", $"model '{inputs.Model}' has no version {inputs.Challenger}");
        var championModel = context.LoadModel(champion.Model);
        var challengerModel = context.LoadModel(challenger.Model);
        if (championModel.Outputs != challengerModel.Outputs || championModel.Kind != challengerModel.Kind)
            throw new StepInputException("challenger", "champion and challenger must solve the same task (objective and classes)");
        var classes = ClassNames(challenger.MetricsJson) ?? ClassNames(champion.MetricsJson);

        using var connection = ParquetTableWriter.OpenScratch();
        var path = context.OpenArtifact(inputs.Data);
        var columns = TableReader.Describe(connection, path).Select(c => c.Name).ToList();
        if (!columns.Contains(inputs.Target)) throw new StepInputException("target", $"column '{inputs.Target}' is not in the table");
        var features = championModel.FeatureNames.Union(challengerModel.FeatureNames).ToList();
        if (ModelFeatureOrder.FirstMissing(features, columns) is { } absent)
            throw new StepInputException("data", $"the table lacks feature '{absent}' that a model needs");
        var values = TableReader.ReadNumeric(connection, path, features, out var rows);
        var outcomes = Outcomes(TableReader.ReadText(connection, path, inputs.Target), classes, IsRegression(championModel.Kind), inputs.Target);

        var outputs = championModel.Outputs;
        var championOut = new double[outputs];
        var challengerOut = new double[outputs];
        var championRow = new double[championModel.FeatureNames.Count];
        var challengerRow = new double[challengerModel.FeatureNames.Count];
        var championOrder = new ModelFeatureOrder(championModel.FeatureNames, features);
        var challengerOrder = new ModelFeatureOrder(challengerModel.FeatureNames, features);
        var router = new Random(inputs.Seed);
        var paired = new List<ShadowPrediction>(rows);
        var differences = new List<double>(rows);
        double championTotal = 0, challengerTotal = 0;
        for (var r = 0; r < rows; r++)
        {
            if (r % 1024 == 0) cancellationToken.ThrowIfCancellationRequested();
            championOrder.Gather(values, r, championRow);
            challengerOrder.Gather(values, r, challengerRow);
            championModel.Predict(championRow, championOut);
            challengerModel.Predict(challengerRow, challengerOut);
            var outcome = outcomes[r];
            paired.Add(new ShadowPrediction(r, Headline(championOut), Headline(challengerOut), outcome, router.NextDouble() < inputs.CanaryFraction));
            if (outcome is not { } y) continue;
            var championLoss = Loss(championModel.Kind, championOut, y);
            var challengerLoss = Loss(championModel.Kind, challengerOut, y);
            championTotal += championLoss;
            challengerTotal += challengerLoss;
            differences.Add(championLoss - challengerLoss);
        }
        context.Shadow.Record(inputs.Model, champion.Version, challenger.Version, paired);

        var scored = differences.Count;
        var championMean = scored == 0 ? double.NaN : championTotal / scored;
        var challengerMean = scored == 0 ? double.NaN : challengerTotal / scored;
        string decision;
        PairedBootstrapResult? test = null;
        if (scored < inputs.MinPredictions) decision = "insufficient";
        else
        {
            test = PairedBootstrap.Test(differences.ToArray(), inputs.Margin, inputs.Resamples, inputs.Confidence, inputs.Seed);
            decision = test.LowerBound > inputs.Margin ? "promote" : "keep";
        }
        var report = new JsonObject
        {
            ["model"] = inputs.Model, ["champion_version"] = champion.Version, ["challenger_version"] = challenger.Version,
            ["predictions"] = rows, ["scored"] = scored, ["min_predictions"] = inputs.MinPredictions, ["canary_fraction"] = inputs.CanaryFraction,
            ["loss"] = LossName(championModel.Kind),
            ["champion"] = Side(championMean, paired, p => p.Champion), ["challenger"] = Side(challengerMean, paired, p => p.Challenger),
            ["mean_improvement"] = test?.MeanImprovement, ["lower_bound"] = test?.LowerBound, ["p_value"] = test?.PValue,
            ["margin"] = inputs.Margin, ["confidence"] = inputs.Confidence, ["decision"] = decision,
        };
        var staged = context.StageArtifact("report", "json");
        File.WriteAllText(staged.Path, report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        context.Events.Publish("shadow.decided", inputs.Model, null, new JsonObject
        {
            ["model"] = inputs.Model, ["version"] = challenger.Version, ["decision"] = decision,
            ["champion_version"] = champion.Version, ["challenger_version"] = challenger.Version,
            ["scored"] = scored, ["min_predictions"] = inputs.MinPredictions, ["loss"] = LossName(championModel.Kind),
            ["champion_loss"] = Finite(championMean), ["challenger_loss"] = Finite(challengerMean),
            ["mean_improvement"] = Finite(test?.MeanImprovement), ["lower_bound"] = Finite(test?.LowerBound), ["p_value"] = Finite(test?.PValue),
            ["margin"] = inputs.Margin, ["confidence"] = inputs.Confidence,
        }.ToJsonString());
        context.Log.Information("Shadow {Model}: champion v{Champion} loss {ChampionLoss:0.####}, challenger v{Challenger} loss {ChallengerLoss:0.####} over {Scored} outcomes → {Decision}",
            inputs.Model, champion.Version, championMean, challenger.Version, challengerMean, scored, decision);
        return Task.FromResult(new ShadowCompareOutputs
        {
            Promote = decision == "promote", Decision = decision, ChampionLoss = championMean, ChallengerLoss = challengerMean,
            PValue = test?.PValue ?? 1.0, Predictions = scored, Report = context.CommitArtifact(staged),
        });
    }

    /// <summary>JSON has no NaN: a figure that could not be computed (no outcomes yet) is null.</summary>
    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    /// <summary>The per-decision loss: log loss of the observed class, or squared error.</summary>
    private static double Loss(ObjectiveKind kind, double[] prediction, double outcome)
    {
        const double epsilon = 1e-15;
        return kind switch
        {
            _ when IsRegression(kind) => (prediction[0] - outcome) * (prediction[0] - outcome),
            _ when prediction.Length == 1 => -Math.Log(Math.Clamp(outcome >= 0.5 ? prediction[0] : 1 - prediction[0], epsilon, 1)),
            _ => -Math.Log(Math.Clamp(prediction[(int)outcome], epsilon, 1)),
        };
    }

    private static string LossName(ObjectiveKind kind) => IsRegression(kind) ? "squared_error" : "log_loss";

    /// <summary>Regression models output values as they are (or exponentiated); classifiers output probabilities.</summary>
    private static bool IsRegression(ObjectiveKind kind) => kind is ObjectiveKind.Identity or ObjectiveKind.Exponential;

    /// <summary>What is recorded per decision: the score (binary, regression) or the predicted class.</summary>
    private static double Headline(double[] prediction) =>
        prediction.Length == 1 ? prediction[0] : Array.IndexOf(prediction, prediction.Max());

    private static JsonObject Side(double meanLoss, List<ShadowPrediction> paired, Func<ShadowPrediction, double> prediction)
    {
        var labelled = paired.Where(p => p.Outcome is not null).ToList();
        return new JsonObject
        {
            ["mean_loss"] = double.IsFinite(meanLoss) ? meanLoss : null,
            ["hit_rate"] = labelled.Count == 0 ? null : labelled.Count(p => Math.Abs(Math.Round(prediction(p)) - p.Outcome!.Value) < 1e-9) / (double)labelled.Count,
        };
    }

    private static IReadOnlyList<string>? ClassNames(string? metricsJson) => TrainingMetrics.TryParse(metricsJson)?.Classes;

    private static double?[] Outcomes(string?[] raw, IReadOnlyList<string>? classes, bool regression, string target) =>
        raw.Select(v =>
        {
            if (v is null) return (double?)null;
            if (!regression && classes is { Count: > 0 })
            {
                var index = classes.ToList().IndexOf(v);
                if (index >= 0) return index;
                // Imported models name their classes (down, up) while tables often hold their index (0, 1), as registry/import accepts.
                // Classes that are numbers themselves are only ever matched by name: "2" must never mean the third class.
                if (!classes.Any(c => double.TryParse(c, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
                    && double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var position)
                    && position == Math.Floor(position) && position >= 0 && position < classes.Count)
                    return position;
                throw new StepInputException("target", $"outcome '{v}' in '{target}' is neither one of the model's classes ({string.Join(", ", classes)}) nor their index");
            }
            return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
                : throw new StepInputException("target", $"outcome '{v}' in '{target}' is not a number");
        }).ToArray();
}
