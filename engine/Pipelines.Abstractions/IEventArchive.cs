namespace Pipelines.Abstractions;

/// <summary>
/// The store's archive of rare events (<c>archive/capture</c> adds to it). Adding refuses an event whose window
/// overlaps one already archived under the same archive name, checked and written in one transaction, so a window
/// is captured once however often (or however concurrently) it is looked at.
/// </summary>
public interface IEventArchive
{
    /// <summary>Every event of <paramref name="archive"/>, oldest window first.</summary>
    IReadOnlyList<ArchivedEvent> Events(string archive);

    /// <summary>
    /// Stores <paramref name="candidate"/> unless its window overlaps an archived event of the same archive; returns
    /// null when stored, else the archived event it overlaps (nothing is written then).
    /// </summary>
    ArchivedEvent? TryAdd(ArchivedEvent candidate);
}
