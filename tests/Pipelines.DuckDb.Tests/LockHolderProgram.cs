using Pipelines.DuckDb;

namespace Pipelines.DuckDb.Tests;

/// <summary>
/// Entry point of the test assembly when run as a separate process: "hold-lock &lt;path&gt;" opens the database
/// read-write, prints "ready", and keeps it open until its standard input closes. Lets tests observe DuckDB's
/// cross-process lock exactly as a second engine run would.
/// </summary>
public static class LockHolderProgram
{
    public static int Main(string[] args)
    {
        if (args is not ["hold-lock", var path])
        {
            Console.Error.WriteLine("usage: hold-lock <database path>");
            return 2;
        }

        using var database = DuckDbDatabase.Open(path);
        Console.WriteLine("ready");
        Console.Out.Flush();
        Console.In.ReadToEnd();
        return 0;
    }
}
