using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Npgsql;

namespace Pipelines.Engine.Storage;

/// <summary>
/// What differs between the store's two databases for the statements the store itself runs. The store's SQL is written
/// once, in the subset both accept, with <c>?</c> for each argument; a dialect turns that into its own text and supplies
/// the few statements that cannot be shared (its migration texts live with the migrations).
/// </summary>
internal abstract class StoreDialect
{
    public static readonly StoreDialect DuckDb = new DuckDbDialect();
    public static readonly StoreDialect Postgres = new PostgresDialect();

    public static StoreDialect Of(DbConnection connection) => connection is NpgsqlConnection ? Postgres : DuckDb;

    public abstract bool IsPostgres { get; }

    /// <summary>The statement as this database reads it.</summary>
    public abstract string Text(string portableSql);

    /// <summary>
    /// Keeps every other writer of this model's registry rows out until the caller's transaction ends, so a version number
    /// and the audit's order are decided by one writer at a time. DuckDB admits one writing process, whose store already
    /// serialises its registry calls; PostgreSQL takes a transaction-scoped advisory lock on the model's name.
    /// </summary>
    public abstract void LockModel(DbConnection connection, string model);

    private sealed class DuckDbDialect : StoreDialect
    {
        public override bool IsPostgres => false;
        public override string Text(string portableSql) => portableSql;
        public override void LockModel(DbConnection connection, string model) { }
    }

    private sealed class PostgresDialect : StoreDialect
    {
        private readonly ConcurrentDictionary<string, string> _texts = new(StringComparer.Ordinal);

        public override bool IsPostgres => true;

        /// <summary>Npgsql binds unnamed parameters to <c>$1</c>, <c>$2</c>…: each <c>?</c> outside a quoted literal becomes the next one.</summary>
        public override string Text(string portableSql) => _texts.GetOrAdd(portableSql, static sql => Numbered(sql));

        public override void LockModel(DbConnection connection, string model) =>
            connection.Execute("SELECT pg_advisory_xact_lock(?, hashtext(?))", PostgresLocks.ModelRegistry, model);

        private static string Numbered(string sql)
        {
            if (!sql.Contains('?')) return sql;
            var text = new StringBuilder(sql.Length + 8);
            var number = 0;
            var inLiteral = false;
            foreach (var c in sql)
            {
                if (c == '\'') inLiteral = !inLiteral;
                if (c == '?' && !inLiteral) text.Append('$').Append(++number);
                else text.Append(c);
            }
            return text.ToString();
        }
    }
}

