namespace Pipelines.Steps.Ticks;

/// <summary>How a replayed source times its ticks.</summary>
public enum TickPacing
{
    /// <summary>Ticks come out as fast as the file can be read: backtests and throughput measurements.</summary>
    AsFastAsPossible,

    /// <summary>Ticks come out at their recorded spacing (divided by the speed factor): rehearsing the live loop.</summary>
    Recorded,
}
