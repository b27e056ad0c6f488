using BenchmarkDotNet.Running;

// Run all suites, or pick with BenchmarkDotNet's filter, e.g.
//   dotnet run -c Release --project bench/Pipelines.Benchmarks -- --filter '*DuckDb*'
BenchmarkSwitcher.FromAssembly(typeof(Pipelines.Benchmarks.DuckDbBenchmarks).Assembly).Run(args);
