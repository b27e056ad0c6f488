namespace Pipelines.Learning.Drift;

/// <summary>Which changes of the mean a <see cref="PageHinkley"/> detector watches for.</summary>
public enum PageHinkleyDirection
{
    Increase,
    Decrease,
    Both,
}
