using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Expressions;

/// <summary>Maps an offset inside a scalar's text back to a file position (exact for one-line scalars).</summary>
public static class ExpressionLocation
{
    public static SourceLocation At(YamlScalar scalar, int offset)
    {
        if (scalar.Value.IndexOf('\n') >= 0 && scalar.Value.IndexOf('\n') < offset) return scalar.Location;
        return scalar.Location with { Column = scalar.Location.Column + offset + (scalar.IsQuoted ? 1 : 0) };
    }
}
