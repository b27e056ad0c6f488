using System.Text;

namespace Pipelines.Engine.Catalog;

/// <summary>
/// Pipeline files name inputs, outputs and settings in snake_case (<c>min_predictions</c>), the convention of
/// the tools our users come from (LightGBM, pandas); C# keeps PascalCase.
/// </summary>
public static class NameConvention
{
    public static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var previousIsLowerOrDigit = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]) && i > 0 && char.IsUpper(name[i - 1]);
                if (previousIsLowerOrDigit || nextIsLower) builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else builder.Append(c);
        }
        return builder.ToString();
    }
}
