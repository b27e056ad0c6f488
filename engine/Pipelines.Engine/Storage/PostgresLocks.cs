namespace Pipelines.Engine.Storage;

/// <summary>
/// The advisory lock keys the store takes in PostgreSQL. The store-wide ones are 64-bit keys that spell what they lock; a
/// model's lock is a pair of 32-bit keys (<see cref="ModelRegistry"/>, a hash of the model's name), which PostgreSQL keeps
/// apart from single keys. Another application on the same server would have to pick the same numbers to collide.
/// </summary>
internal static class PostgresLocks
{
    /// <summary>Held while migrating, so processes starting together on an empty database migrate it once.</summary>
    public const long Migration = 0x5049_5045_4d49_4752; // "PIPEMIGR"

    /// <summary>Held by a transaction that writes events, from its sequence number to its commit: events commit in sequence order.</summary>
    public const long Events = 0x5049_5045_4556_4e54; // "PIPEEVNT"

    /// <summary>The first key of a model's registry lock; the second is a hash of the model's name.</summary>
    public const int ModelRegistry = 0x50524547; // "PREG"

    /// <summary>The first key of a cluster run's lock, held by every transaction that queues or completes one of its steps; the second is a hash of the run id.</summary>
    public const int ClusterRun = 0x5052554e; // "PRUN"
}
