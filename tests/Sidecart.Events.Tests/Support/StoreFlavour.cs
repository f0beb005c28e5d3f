namespace Sidecart.Events.Tests.Support;

/// <summary>The state stores the apps must behave the same on (issue 12: "Use patterns that behave the same on SQLite,
/// Redis, PostgreSQL and MongoDB").</summary>
public enum StoreFlavour
{
    Sqlite,
    Redis,
    PostgreSql,
    MongoDb,
}
