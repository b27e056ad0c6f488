using System.Data.Common;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Decides, inside the transaction that would write a step record, whether it may be written, and adds what goes with it
/// in the same commit. A cluster step's attempts use one (<see cref="Pipelines.Engine.Execution.Cluster.ClusterStepGuard"/>):
/// only the first attempt to finish a step lands its results, and that same commit queues the step's dependents.
/// </summary>
internal interface IStepRecordGuard
{
    /// <summary>Before anything is written: false leaves the transaction to be rolled back, with nothing of the record in it.</summary>
    bool Admit(DbConnection connection);

    /// <summary>After the record, its artifacts, lineage and events are written, before the commit.</summary>
    void Written(DbConnection connection);
}
