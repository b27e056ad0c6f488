using Pipelines.Learning.Features;

namespace Pipelines.Steps.Book;

/// <summary>Which features of a set read columns only an order book provides (<see cref="BookLevelColumns"/>).</summary>
public static class BookFeatureNeeds
{
    public static IReadOnlyList<string> FeaturesReadingTheBook(FeatureSet features)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var definition in features.Definitions)
        {
            var needsBook = definition.Inputs.Any(input => !names.Contains(input) && BookLevelColumns.IsBookColumn(input))
                            || definition.Inputs.Any(input => result.Contains(input, StringComparer.Ordinal));
            if (needsBook) result.Add(definition.Name);
            names.Add(definition.Name);
        }
        return result;
    }

    /// <summary>The sentence that refuses a model reading book features on a stream without a book.</summary>
    public static string NoBookMessage(string model, IReadOnlyList<string> bookFeatures) =>
        $"{model} reads order-book features [{string.Join(", ", bookFeatures)}] but the tick stream has no book; " +
        "give book: (a directory of recorded or synthetic order-book segments) so a local order book is kept beside the trades";
}
