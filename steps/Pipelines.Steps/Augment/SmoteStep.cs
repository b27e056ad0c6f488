using System.Globalization;
using Pipelines.Abstractions;
using Pipelines.Learning.Augmentation;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Augment;

/// <summary>
/// Adds SMOTE rows (<see cref="Smote"/>) to the minority classes among the rows a train step with the same target,
/// test_fraction and gap trains on: the neighbours and both ends of every interpolation are training rows, so no
/// synthetic row comes from a row the model will be scored on. Rows with a missing feature are never used.
/// </summary>
[Step("augment/smote", "Transform", "SMOTE",
    Description = "Over-sample minority classes with SMOTE: each synthetic row lies between a training row of the class and one of its k nearest neighbours in that class (seeded); only rows a train step with the same target, test_fraction and gap trains on are used, holdout rows stay untouched, and every row is marked synthetic or not with the rows it came from.")]
public sealed class SmoteStep : Step<SmoteInputs, AugmentOutputs>
{
    public override Task<AugmentOutputs> ExecuteAsync(SmoteInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (inputs.Problems().FirstOrDefault() is { } problem) throw problem.ToException();
        using var table = new AugmentedTable(context.OpenArtifact(inputs.Input));
        var training = table.TrainingRows(inputs.Target, inputs.TestFraction, inputs.Gap);
        var features = Features(inputs, table.Columns);

        var connection = table.Connection;
        var width = features.Count;
        var rows = connection.Rows($"""
            SELECT file_row_number, CAST({SqlText.Identifier(inputs.Target)} AS VARCHAR), {string.Join(", ", features.Select(f => $"CAST({SqlText.Identifier(f)} AS DOUBLE)"))}
            FROM src WHERE file_row_number <= {training[^1]} AND {SqlText.Identifier(inputs.Target)} IS NOT NULL ORDER BY file_row_number
            """);
        var byClass = rows.Where(r => Enumerable.Range(2, width).All(i => r[i] is double d && double.IsFinite(d)))
            .GroupBy(r => (string)r[1]!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var largest = byClass.Values.Max(v => v.Count);
        var classes = inputs.Classes ?? byClass.Where(c => c.Value.Count < largest).Select(c => c.Key).Order(StringComparer.Ordinal).ToList();
        foreach (var name in classes.Where(c => !byClass.ContainsKey(c)))
            throw new StepInputException("classes", $"class '{name}' has no training rows with every feature present; classes: {string.Join(", ", byClass.Keys.Order(StringComparer.Ordinal))}");

        var made = 0;
        foreach (var name in classes)
        {
            var members = byClass[name];
            var goal = (int)Math.Ceiling(inputs.Ratio * largest);
            var count = Math.Max(0, goal - members.Count);
            if (count == 0) continue;
            if (members.Count < 2)
                throw new StepInputException(inputs.Classes is null ? "target" : "classes", $"class '{name}' has {members.Count} training row with every feature present; SMOTE interpolates between two rows of a class, so it needs at least 2");
            if (inputs.K > members.Count - 1)
                throw new StepInputException("k", $"is {inputs.K}, but class '{name}' has {members.Count} training rows with every feature present; k must be at most {members.Count - 1}");
            var values = members.SelectMany(r => Enumerable.Range(2, width).Select(i => (double)r[i]!)).ToArray();
            foreach (var sample in Smote.Sample(values, width, count, inputs.K, (ulong)inputs.Seed))
                table.Interpolate(Convert.ToInt64(members[sample.Base][0], CultureInfo.InvariantCulture), Convert.ToInt64(members[sample.Neighbour][0], CultureInfo.InvariantCulture), sample.Gap);
            made += count;
            context.Log.Information("Class {Class}: {Count} synthetic rows beside its {Rows} training rows", name, count, members.Count);
        }
        return Task.FromResult(table.Write(context, features.ToHashSet(StringComparer.Ordinal), cancellationToken));
    }

    private static IReadOnlyList<string> Features(SmoteInputs inputs, IReadOnlyList<(string Name, string Type)> columns)
    {
        var names = columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var excluded in inputs.Exclude.Where(e => !names.Contains(e)))
            throw new StepInputException("exclude", $"column '{excluded}' is not in the table");
        if (inputs.Features is { Count: > 0 } chosen)
        {
            if (chosen.FirstOrDefault(f => !names.Contains(f)) is { } missing) throw new StepInputException("features", $"column '{missing}' is not in the table");
            if (chosen.FirstOrDefault(f => !Interpolable(columns.First(c => c.Name == f).Type)) is { } other)
                throw new StepInputException("features", $"column '{other}' is not a number SMOTE can interpolate");
            if (chosen.Contains(inputs.Target)) throw new StepInputException("features", "the target cannot also be a feature");
            return chosen;
        }
        var features = columns.Where(c => c.Name != inputs.Target && !inputs.Exclude.Contains(c.Name) && Interpolable(c.Type)).Select(c => c.Name).ToList();
        if (features.Count == 0) throw new StepInputException("features", "the table has no numeric feature columns");
        return features;
    }

    private static bool Interpolable(string type) => type != "BOOLEAN" && TableReader.IsNumeric(type);
}
