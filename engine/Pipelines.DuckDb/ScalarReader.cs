using System.Globalization;

namespace Pipelines.DuckDb;

/// <summary>Reads a result's first value as T, converting numbers only when the value fits.</summary>
internal static class ScalarReader
{
    public static T Read<T>(DuckDbResult result)
    {
        if (result.ColumnCount == 0)
        {
            throw new InvalidOperationException("The statement returned no columns.");
        }

        object? value = null;
        var found = false;
        if (result.TryFetchChunk(out var chunk))
        {
            using (chunk)
            {
                value = chunk.GetColumn(0).GetValue(0);
                found = true;
            }
        }

        var target = typeof(T);
        var underlying = Nullable.GetUnderlyingType(target);
        if (!found || value is null)
        {
            if (!target.IsValueType || underlying is not null)
            {
                return default!;
            }

            throw new InvalidOperationException(
                found ? $"The value is NULL; ask for {target.Name}? to accept it." : $"The query returned no rows; ask for {target.Name}? to accept it.");
        }

        if (value is T typed)
        {
            return typed;
        }

        var conversionTarget = underlying ?? target;
        // 128-bit integers (e.g. sum() of integers) are not IConvertible; decimal holds them exactly up to 96 bits.
        value = value switch
        {
            Int128 wide => (decimal)wide,
            UInt128 wide => (decimal)wide,
            _ => value,
        };
        if (value is IConvertible && typeof(IConvertible).IsAssignableFrom(conversionTarget))
        {
            // Convert.ChangeType is checked: a value outside the target's range throws OverflowException.
            return (T)Convert.ChangeType(value, conversionTarget, CultureInfo.InvariantCulture);
        }

        throw new InvalidCastException($"Cannot convert a {value.GetType().Name} value to {target.Name}.");
    }
}
