using System.Diagnostics;
using System.Globalization;
using System.Text;
using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;

namespace Pipelines.Learning.Trees;

/// <summary>
/// File-to-file training (by LightGBM itself) and prediction (by our reader) in the manner of LightGBM's
/// command-line tasks (task=train, task=predict), for the project's CLI to call.
/// </summary>
public static class LightGbmCommandLine
{
    /// <summary>
    /// Trains with LightGBM on <paramref name="dataCsv"/> (label in <paramref name="labelColumn"/>, every other column a
    /// feature), optionally watching <paramref name="validCsv"/> for early stopping, and saves the model text exactly as
    /// LightGBM wrote it. <paramref name="objective"/> is any of LightGBM's objectives; a multiclass objective without
    /// num_class gets one class per label value 0..max. Returns the iterations kept and the trees per iteration.
    /// </summary>
    public static (int Iterations, int TreesPerIteration) Train(string dataCsv, string labelColumn, string objective, IReadOnlyDictionary<string, string> parameters,
        string? validCsv, string outModel, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataCsv);
        ArgumentNullException.ThrowIfNull(labelColumn);
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(outModel);
        ArgumentNullException.ThrowIfNull(log);

        var settings = LightGbmParameters.From(parameters);
        if (settings.Has("objective"))
            throw new ArgumentException($"The objective is given by --objective ('{objective}'), so it cannot also be a parameter ('{settings.Get("objective")}').");
        settings = settings.With("objective", objective.Trim());

        var clock = Stopwatch.StartNew();
        var train = CsvDatasetReader.Read(dataCsv, labelColumn);
        DenseDataset? valid = validCsv is null ? null : CsvDatasetReader.Read(validCsv, labelColumn, train.FeatureNames);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Read {train.RowCount} rows x {train.FeatureCount} features from {dataCsv}{(valid is null ? "" : $" and {valid.RowCount} validation rows from {validCsv}")} in {clock.Elapsed.TotalSeconds:F3} s."));
        if (!settings.Has("num_class") && MulticlassObjectives.Contains(objective.Trim()))
        {
            var classes = (int)train.RequireLabels().Where(double.IsFinite).DefaultIfEmpty(0).Max() + 1;
            settings = settings.With("num_class", classes.ToString(CultureInfo.InvariantCulture));
        }

        clock.Restart();
        using var booster = LightGbmTrainer.Train(train, valid, settings, cancellationToken);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Finished training {booster.Iterations} iterations in {clock.Elapsed.TotalSeconds:F3} s."));
        File.WriteAllText(outModel, booster.ModelText(), new UTF8Encoding(false));
        log.WriteLine($"Saved the model to {outModel}.");
        return (booster.Iterations, booster.Outputs);
    }

    // LightGBM's multiclass objectives and their aliases: each needs num_class.
    private static readonly HashSet<string> MulticlassObjectives = new(StringComparer.Ordinal)
    {
        "multiclass", "softmax", "multiclassova", "multiclass_ova", "ova", "ovr",
    };

    /// <summary>
    /// Predicts every row of <paramref name="dataCsv"/> (features found by the model's feature names; other columns
    /// such as the label are ignored) and writes one tab-separated line per row: predictions per class, raw
    /// scores with <paramref name="rawScore"/>, or with <paramref name="contrib"/> the SHAP values then the expected
    /// value for each class, classes side by side. Returns the number of rows written.
    /// </summary>
    public static int Predict(string modelPath, string dataCsv, string outPath, bool rawScore, bool contrib)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        ArgumentNullException.ThrowIfNull(dataCsv);
        ArgumentNullException.ThrowIfNull(outPath);
        if (rawScore && contrib) throw new ArgumentException("Choose raw scores or SHAP contributions, not both.");

        var model = LightGbmModelReader.Load(modelPath);
        var data = CsvDatasetReader.Read(dataCsv, labelColumn: null, featureColumns: model.FeatureNames);
        var explainer = contrib ? new TreeShapExplainer(model) : null;
        var values = new double[explainer?.ContributionLength ?? model.TreesPerIteration];
        using var writer = new StreamWriter(outPath, false, new UTF8Encoding(false)) { NewLine = "\n" };
        var line = new StringBuilder();
        for (int row = 0; row < data.RowCount; row++)
        {
            var features = data.Row(row);
            if (explainer is not null) explainer.Explain(features, values);
            else if (rawScore) model.PredictRaw(features, values);
            else model.Predict(features, values);
            line.Clear();
            for (int i = 0; i < values.Length; i++)
            {
                if (i > 0) line.Append('\t');
                line.Append(LightGbmNumberFormat.Format17(values[i]));
            }
            writer.WriteLine(line);
        }
        return data.RowCount;
    }
}
