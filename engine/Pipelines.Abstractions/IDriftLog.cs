namespace Pipelines.Abstractions;

/// <summary>Where steps record drift findings; the store keeps them with the run and step that found them.</summary>
public interface IDriftLog
{
    void Record(IReadOnlyList<DriftEvent> events);
}
