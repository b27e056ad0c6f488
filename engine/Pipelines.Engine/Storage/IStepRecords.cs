using System.Data.Common;
using Pipelines.Abstractions;
using Pipelines.Engine.Events;

namespace Pipelines.Engine.Storage;

/// <summary>
/// How a store's step records reach its database, and the gate every other use of the connection passes. DuckDB's
/// <see cref="GroupCommit"/> queues them behind a journal and commits in batches; PostgreSQL's <see cref="DirectCommit"/>
/// commits each in its own transaction before returning, because a cluster has no single local disk for a journal.
/// </summary>
internal interface IStepRecords : IDisposable
{
    /// <summary>Commits what an earlier process journaled; before migrating.</summary>
    void ReplayJournal();

    /// <summary>Learns what the database holds that the writer keeps in memory; once, after migrating.</summary>
    void LoadKnownRows();

    /// <summary>The sequence number of an event written on <paramref name="connection"/> inside the caller's transaction.</summary>
    long TakeEventSequence(DbConnection connection);

    long UpsertStepRun(StepRunRecord step);

    bool IsCommitted(long sequence);

    long CompleteStepRun(StepRunRecord step, IReadOnlyList<(string Output, Artifact Artifact)> outputs, IReadOnlyList<Artifact> inputs,
        IReadOnlyCollection<Artifact>? madeHere, IReadOnlyList<ArtifactReference> references, IReadOnlyList<EventDraft> events);

    bool IsKnownArtifact(string sha256);

    /// <summary>False only when no successful step with this key can exist; true sends the caller to the database.</summary>
    bool IsKnownCacheKey(string cacheKey);

    /// <summary>Runs <paramref name="work"/> on the connection, alone, after every step record handed over is committed.</summary>
    T AfterQueued<T>(Func<T> work);
}
