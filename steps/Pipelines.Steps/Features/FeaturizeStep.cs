using Pipelines.Abstractions;
using Pipelines.Learning.Features;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Features;

/// <summary>
/// Adds named features to a table with DuckDB window functions and stores their definitions, from which the tick
/// path derives a streaming evaluator that yields the same values.
/// </summary>
[Step("featurize/market", "Features", "Market features",
    Description = "Compute named market features (returns, SMA/EMA, rolling std and z-score, rate of change, RSI, ATR/NATR, volume, trend, order flow, interactions) over a table in time order, and store the definitions for the streaming evaluator.")]
public sealed class FeaturizeStep : Step<FeaturizeInputs, FeaturizeOutputs>
{
    public override Task<FeaturizeOutputs> ExecuteAsync(FeaturizeInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (inputs.Input.Kind != "table" || inputs.Input.Format != "parquet")
            throw new StepInputException("input", $"expects a table artifact, got a {inputs.Input.Kind} ({inputs.Input.Format})");
        if (inputs.Features.Count == 0 && inputs.Define.Count == 0)
            throw new StepInputException("features", "name at least one feature (in features or define)");
        var features = Definitions(inputs);

        using var connection = ParquetTableWriter.OpenScratch();
        var path = context.OpenArtifact(inputs.Input);
        connection.Execute($"CREATE VIEW source AS SELECT * FROM read_parquet({SqlText.Literal(path)})");
        string select;
        try
        {
            select = BatchFeaturizer.Prepare(connection, "source", features);
        }
        catch (FeatureDefinitionException e)
        {
            throw new StepInputException(e.Message.StartsWith("time column", StringComparison.Ordinal) ? "time_column" : "features", e.Message);
        }
        cancellationToken.ThrowIfCancellationRequested();
        var table = ParquetTableWriter.Write(connection, select, context, "input", cancellationToken);

        var staged = context.StageArtifact("feature-definitions", "json");
        File.WriteAllText(staged.Path, features.ToJson());
        var definitions = context.CommitArtifact(staged);
        context.Log.Information("Computed {Count} features over {Rows} rows: {Features}", features.Names.Count, table.Rows, features.Names);
        return Task.FromResult(new FeaturizeOutputs { Table = table.Table, Rows = table.Rows, Features = features.Names, Definitions = definitions });
    }

    private static FeatureSet Definitions(FeaturizeInputs inputs)
    {
        var definitions = new List<FeatureDefinition>();
        foreach (var name in inputs.Features)
        {
            try
            {
                definitions.AddRange(FeatureNames.Parse(name));
            }
            catch (FeatureDefinitionException e)
            {
                throw new StepInputException("features", e.Message);
            }
        }
        foreach (var spec in inputs.Define)
        {
            try
            {
                definitions.Add(spec.ToDefinition());
            }
            catch (FeatureDefinitionException e)
            {
                throw new StepInputException("define", e.Message);
            }
        }
        try
        {
            return new FeatureSet(FeatureSet.Merge(definitions), inputs.TimeColumn);
        }
        catch (FeatureDefinitionException e)
        {
            throw new StepInputException("features", e.Message);
        }
    }
}
