namespace Pipelines.DuckDb;

/// <summary>Conversions between DuckDB's storage formats and .NET values, shared by reading, binding and appending.</summary>
internal static class ValueConversion
{
    private const long TicksPerMicrosecond = 10;
    private static readonly long EpochTicks = DateTime.UnixEpoch.Ticks;
    private static readonly long MinMicros = (DateTime.MinValue.Ticks - EpochTicks) / TicksPerMicrosecond;
    private static readonly long MaxMicros = (DateTime.MaxValue.Ticks - EpochTicks) / TicksPerMicrosecond;
    private static readonly int EpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    /// <summary>Microseconds since 1970-01-01 UTC to a UTC DateTime; DuckDB's ±infinity has no DateTime.</summary>
    public static DateTime TimestampToDateTime(long micros)
    {
        if (micros < MinMicros || micros > MaxMicros)
        {
            throw new OverflowException(
                $"TIMESTAMP value of {micros} microseconds since 1970 (or ±infinity) lies outside DateTime's range.");
        }

        return new DateTime(EpochTicks + micros * TicksPerMicrosecond, DateTimeKind.Utc);
    }

    /// <summary>
    /// UTC DateTime to microseconds since 1970. Local times are converted to UTC, unspecified ones are taken as
    /// UTC; the sub-microsecond tick digit is dropped (floor), as TIMESTAMP holds microseconds.
    /// </summary>
    public static long DateTimeToTimestamp(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        var (quotient, remainder) = Math.DivRem(utc.Ticks - EpochTicks, TicksPerMicrosecond);
        return remainder < 0 ? quotient - 1 : quotient;
    }

    public static DateOnly DateToDateOnly(int daysSinceEpoch) => DateOnly.FromDayNumber(EpochDayNumber + daysSinceEpoch);

    public static int DateOnlyToDate(DateOnly value) => value.DayNumber - EpochDayNumber;

    public static DateTime DateToDateTime(int daysSinceEpoch) =>
        DateToDateOnly(daysSinceEpoch).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    /// <summary>A DATE column accepts a DateTime only when it carries no time of day, so nothing is lost silently.</summary>
    public static int DateTimeToDate(DateTime value)
    {
        if (value.TimeOfDay != TimeSpan.Zero)
        {
            throw new ArgumentException($"DATE cannot hold the time of day of {value:O}; pass a DateOnly or a midnight DateTime.");
        }

        return DateOnlyToDate(DateOnly.FromDateTime(value));
    }

    public static TimeOnly TimeToTimeOnly(long micros) => new(micros * TicksPerMicrosecond);

    /// <summary>Scales DuckDB's unscaled integer to a decimal exactly, or throws when decimal cannot hold it.</summary>
    public static decimal UnscaledToDecimal(Int128 unscaled, int scale)
    {
        var negative = unscaled < 0;
        var magnitude = negative ? (UInt128)(-(unscaled + 1)) + 1 : (UInt128)unscaled;
        if (scale > 28 || (magnitude >> 96) != 0)
        {
            throw new OverflowException($"DECIMAL value {unscaled}e-{scale} does not fit System.Decimal (96-bit, scale <= 28).");
        }

        return new decimal(
            (int)(uint)magnitude,
            (int)(uint)(magnitude >> 32),
            (int)(uint)(magnitude >> 64),
            negative,
            (byte)scale);
    }

    /// <summary>
    /// The unscaled integer of <paramref name="value"/> at <paramref name="scale"/>, rounding half away from zero
    /// like DuckDB's own casts, and checking it fits <paramref name="width"/> digits.
    /// </summary>
    public static Int128 DecimalToUnscaled(decimal value, int width, int scale)
    {
        var rounded = Math.Round(value, Math.Min(scale, 28), MidpointRounding.AwayFromZero);
        var unscaled = MantissaOf(rounded, out var valueScale);
        for (var s = valueScale; s < scale; s++)
        {
            unscaled = checked(unscaled * 10);
        }

        var limit = Int128.One;
        for (var digit = 0; digit < width; digit++)
        {
            limit *= 10;
        }

        if (unscaled >= limit || unscaled <= -limit)
        {
            throw new OverflowException($"{value} does not fit DECIMAL({width},{scale}).");
        }

        return unscaled;
    }

    /// <summary>The signed 96-bit mantissa of a decimal and its scale.</summary>
    public static Int128 MantissaOf(decimal value, out int scale)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        scale = (bits[3] >> 16) & 0xFF;
        var magnitude = ((Int128)(uint)bits[2] << 64) | ((Int128)(uint)bits[1] << 32) | (uint)bits[0];
        return bits[3] < 0 ? -magnitude : magnitude;
    }
}
