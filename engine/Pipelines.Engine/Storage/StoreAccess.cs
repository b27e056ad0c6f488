namespace Pipelines.Engine.Storage;

/// <summary>
/// How a reader that lives longer than one command reaches the store. <c>pipelines serve</c> holds the store for its
/// whole life and lends that one open store to every request (DuckDB admits one writing process, and a second open in
/// this process would be refused); Studio started on its own opens the store per request and lets go at once, so a
/// <c>pipelines run</c> in another process can proceed between requests.
/// </summary>
public abstract class StoreAccess
{
    /// <summary>Runs <paramref name="read"/> on the store; <paramref name="whenMissing"/> when no store has been created yet.</summary>
    public abstract T Use<T>(Func<PipelineStore, T> read, T whenMissing);

    /// <summary>The service's store, open for the service's life; calls are serialised by the store itself.</summary>
    public static StoreAccess Shared(PipelineStore store) => new SharedStore(store);

    /// <summary>Opens the store at <paramref name="root"/> for each use, waiting up to <paramref name="wait"/> for another writer.</summary>
    public static StoreAccess PerUse(string root, TimeSpan wait) => new StorePerUse(root, wait);

    private sealed class SharedStore(PipelineStore store) : StoreAccess
    {
        public override T Use<T>(Func<PipelineStore, T> read, T whenMissing) => read(store);
    }

    private sealed class StorePerUse(string root, TimeSpan wait) : StoreAccess
    {
        public override T Use<T>(Func<PipelineStore, T> read, T whenMissing)
        {
            if (!File.Exists(new StoreLayout(root).DatabasePath)) return whenMissing;
            using var store = PipelineStore.Open(root, wait);
            return read(store);
        }
    }
}
