using System.Globalization;
using Pipelines.Engine.Diagnostics;

namespace Pipelines.Engine.Yaml;

/// <summary>A scalar; <see cref="IsQuoted"/> matters because a quoted "true" is text, a plain true is a boolean.</summary>
public sealed class YamlScalar(SourceLocation location, string value, bool isQuoted) : YamlNode(location)
{
    public string Value { get; } = value;
    public bool IsQuoted { get; } = isQuoted;
    public override string KindName => "scalar";

    /// <summary>True for a plain null, ~ or empty value (YAML 1.2 core schema).</summary>
    public bool IsNull => !IsQuoted && Value is "" or "~" or "null" or "Null" or "NULL";

    public bool TryGetBoolean(out bool value)
    {
        value = false;
        if (IsQuoted) return false;
        switch (Value)
        {
            case "true" or "True" or "TRUE": value = true; return true;
            case "false" or "False" or "FALSE": return true;
            default: return false;
        }
    }

    public bool TryGetInteger(out long value)
    {
        value = 0;
        return !IsQuoted && long.TryParse(Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public bool TryGetNumber(out double value)
    {
        value = 0;
        if (IsQuoted) return false;
        switch (Value)
        {
            case ".inf" or ".Inf" or ".INF" or "+.inf": value = double.PositiveInfinity; return true;
            case "-.inf" or "-.Inf" or "-.INF": value = double.NegativeInfinity; return true;
            case ".nan" or ".NaN" or ".NAN": value = double.NaN; return true;
        }
        return double.TryParse(Value, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            && Value.IndexOfAny(['x', 'X', ',']) < 0;
    }
}
