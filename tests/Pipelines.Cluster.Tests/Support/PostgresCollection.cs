namespace Pipelines.Cluster.Tests.Support;

/// <summary>
/// The tests that need PostgreSQL: <c>[Collection(PostgresCollection.Name)]</c> on a class gives it the one server the
/// whole collection shares (constructor parameter <see cref="PostgresServer"/>), started once before the first of
/// them and stopped after the last.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
