using System.Globalization;
using Pipelines.Abstractions;
using Pipelines.Learning.Onnx;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Registry;

/// <summary>
/// Makes an ONNX model trained elsewhere (a PyTorch forecaster, an RL policy) a model artifact like any train step's: the
/// graph is checked against the declared features and output meaning with ONNX Runtime (<see cref="OnnxImportCheck"/>),
/// the declaration is written into the file's metadata (the <see cref="OnnxScoringContract"/> every scoring step reads),
/// and with an evaluate table the model's metrics and holdout predictions are written as train steps write theirs,
/// so validate/gate, registry/promote, shadow/compare, drift/check, explain/shap (Kernel SHAP) and inference/tick take
/// it through ONNX Runtime once registry/register has registered it (a version refers to artifacts a finished step
/// recorded, so registration is the next step's). A file that does not match its declaration fails this step, so the
/// register step after it never runs and nothing is registered.
/// </summary>
[Step("registry/import", "Registry", "Import model",
    Description = "Import an ONNX model made by another tool (a PyTorch forecaster, an RL policy) for registration, with its declared input features and output meaning (probabilities with class names, regression, or an action vector): the graph's input and output are checked against the declaration with ONNX Runtime (a mismatch fails the step, so nothing is registered), the declaration is written into the model's metadata, and with an evaluate table its metrics and holdout predictions are written for validate/gate; registry/register then registers the model output.")]
public sealed class ImportModelStep : Step<ImportModelInputs, ImportModelOutputs>
{
    public override Task<ImportModelOutputs> ExecuteAsync(ImportModelInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (inputs.Problems().FirstOrDefault() is { } problem) throw problem.ToException();
        var bytes = File.ReadAllBytes(context.OpenArtifact(inputs.Path.Source));
        var contract = OnnxImportCheck.Check(bytes, inputs);

        var staged = context.StageArtifact("model", "onnx");
        File.WriteAllBytes(staged.Path, OnnxModelMetadata.Append(bytes, OnnxImportCheck.Metadata(contract, inputs)));
        var modelArtifact = context.CommitArtifact(staged);
        // Read back through the one seam every scoring step uses, so what is registered is what they will score.
        var model = PredictiveModel.Load(context.OpenArtifact(modelArtifact));
        if (!model.FeatureNames.SequenceEqual(inputs.Features))
            throw new StepInputException("features", $"the stored model reads features [{string.Join(", ", model.FeatureNames)}], not the declared [{string.Join(", ", inputs.Features)}]");

        Artifact? metrics = null, holdout = null;
        if (inputs.Evaluate is { } table)
        {
            (metrics, holdout) = Evaluation(inputs, table, contract, model, modelArtifact, context, cancellationToken);
        }
        context.Log.Information("Imported {Path}: {Features} features, {Meaning} output '{Output}' ({Width} values), read as {Task}; register it with registry/register",
            inputs.Path.Relative, inputs.Features.Count, inputs.Output, contract.OutputName, contract.Width, contract.Task);
        return Task.FromResult(new ImportModelOutputs
        {
            Model = modelArtifact, Metrics = metrics, Holdout = holdout, Features = inputs.Features, Task = OnnxScoringContract.TaskName(contract.Task),
            Outputs = model.Outputs,
        });
    }

    /// <summary>The model scored on every labelled row of the evaluate table, with the task's metrics, as a train step's holdout.</summary>
    private static (Artifact Metrics, Artifact Holdout) Evaluation(ImportModelInputs inputs, Artifact table, OnnxImportCheck.Contract contract,
        PredictiveModel model, Artifact modelArtifact, IStepContext context, CancellationToken cancellationToken)
    {
        var target = inputs.Target!;
        using var connection = ParquetTableWriter.OpenScratch();
        var path = context.OpenArtifact(table);
        var columns = TableReader.Describe(connection, path).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        if (inputs.Features.FirstOrDefault(f => !columns.Contains(f)) is { } missing)
            throw new StepInputException("evaluate", $"the table lacks the model's feature '{missing}'");
        if (!columns.Contains(target)) throw new StepInputException("target", $"column '{target}' is not in the evaluate table");
        var values = TableReader.ReadNumeric(connection, path, inputs.Features, out var rows);
        var raw = TableReader.ReadText(connection, path, target);
        var labelled = Enumerable.Range(0, rows).Where(r => raw[r] is not null).ToArray();
        if (labelled.Length == 0) throw new StepInputException("target", $"column '{target}' has no values");

        var width = inputs.Features.Count;
        var outputs = model.Outputs;
        var labels = new double[labelled.Length];
        var predictions = new double[labelled.Length * outputs];
        for (var i = 0; i < labelled.Length; i++)
        {
            if (i % 4096 == 0) cancellationToken.ThrowIfCancellationRequested();
            var r = labelled[i];
            labels[i] = Label(raw[r]!, r, inputs, target);
            model.Predict(values.AsSpan(r * width, width), predictions.AsSpan(i * outputs, outputs));
        }
        var holdoutMetrics = ModelMetrics.Compute(contract.Task, labels, predictions, inputs.Classes.Count);
        var metrics = new TrainingMetrics
        {
            Task = contract.Task,
            ModelType = "onnx_import",
            TrainedObjective = inputs.Output.ToString().ToLowerInvariant(),
            Target = target,
            Classes = inputs.Classes,
            Features = inputs.Features,
            Rows = new TrainingRowCounts { Train = 0, Gap = 0, Holdout = labelled.Length, Dropped = rows - labelled.Length },
            TrainingDataSha256 = table.Sha256,
            ModelSha256 = modelArtifact.Sha256,
            Parameters = new Dictionary<string, string> { ["imported_from"] = inputs.Path.Relative, ["source_sha256"] = inputs.Path.Source.Sha256 },
            Holdout = TrainingMetrics.Stored(holdoutMetrics),
        };
        var metricsArtifact = TrainingArtifacts.WriteMetrics(context, metrics);
        var holdoutArtifact = TrainingArtifacts.WriteHoldout(connection, context, labelled, labels, predictions, outputs);
        context.Log.Information("Evaluated on {Rows} labelled rows: {Metrics}", labelled.Length, metrics.Holdout);
        return (metricsArtifact, holdoutArtifact);
    }

    /// <summary>A class label by its declared name or 0-based index; a regression label as a number.</summary>
    private static double Label(string text, int row, ImportModelInputs inputs, string target)
    {
        if (inputs.Output == OutputMeaning.Regression)
        {
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? value
                : throw new StepInputException("target", $"column '{target}' holds '{text}' in row {row}; regression needs finite numbers");
        }
        for (var c = 0; c < inputs.Classes.Count; c++)
            if (string.Equals(inputs.Classes[c], text, StringComparison.Ordinal)) return c;
        // A numeric label column reads back as "1" or "1.0"; either names the class at that index.
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var index) && index == Math.Floor(index) && index >= 0 && index < inputs.Classes.Count)
            return index;
        throw new StepInputException("target", $"column '{target}' holds '{text}' in row {row}, which is neither one of the classes ({string.Join(", ", inputs.Classes)}) nor their index");
    }
}
