using System.Security.Cryptography;
using Pipelines.Abstractions;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Storage;

public sealed class ArtifactStoreTests : IDisposable
{
    private readonly EngineHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Artifacts_staged_at_once_by_parallel_steps_of_a_new_run_are_all_stored_under_their_sha256()
    {
        // Fresh run ids, so the first stagings of each run race to create its staging directory.
        var contents = Enumerable.Range(0, 64).Select(i => RandomNumberGenerator.GetBytes(16 + i)).ToArray();
        var runs = Enumerable.Range(0, 8).Select(r => $"run-{r}").ToArray();
        var stored = new Artifact[contents.Length];
        var artifacts = _h.Store.Artifacts;
        Parallel.For(0, contents.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var staged = artifacts.Stage(runs[i % runs.Length], $"step{i}", "table", "bin");
            File.WriteAllBytes(staged.Path, contents[i]);
            stored[i] = artifacts.Commit(staged);
        });

        for (var i = 0; i < contents.Length; i++)
        {
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(contents[i])), stored[i].Sha256);
            Assert.Equal(contents[i].Length, stored[i].Bytes);
            Assert.Equal(contents[i], File.ReadAllBytes(_h.Store.Artifacts.FullPath(stored[i])));
        }
    }

    [Fact]
    public void A_file_larger_than_one_read_hashes_to_the_sha256_of_all_its_bytes()
    {
        // 200,000 bytes span several 64 KiB reads, including a partial last one.
        var content = RandomNumberGenerator.GetBytes(200_000);
        var staged = _h.Store.Artifacts.Stage("run-big", "write", "table", "bin");
        File.WriteAllBytes(staged.Path, content);

        var artifact = _h.Store.Artifacts.Commit(staged);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), artifact.Sha256);
        Assert.Equal(200_000, artifact.Bytes);
        Assert.Equal(_h.Store.Artifacts.FullPath(artifact), _h.Store.Artifacts.OpenVerified(artifact));
        Assert.False(File.Exists(staged.Path));
    }

    [Fact]
    public void Committing_a_staged_file_that_was_never_written_names_the_file()
    {
        var staged = _h.Store.Artifacts.Stage("run-empty", "forgetful", "model", "txt");

        var error = Assert.Throws<InvalidOperationException>(() => _h.Store.Artifacts.Commit(staged));

        Assert.Contains(staged.Path, error.Message);
        Assert.Contains("never written", error.Message);
    }

    [Fact]
    public void Staging_works_again_after_the_run_staging_directory_was_cleared()
    {
        var first = _h.Store.Artifacts.Stage("run-again", "a", "table", "bin");
        File.WriteAllBytes(first.Path, [1, 2, 3]);
        _h.Store.Artifacts.ClearStaging("run-again");

        var second = _h.Store.Artifacts.Stage("run-again", "a", "table", "bin");
        File.WriteAllBytes(second.Path, [4, 5, 6]);
        var artifact = _h.Store.Artifacts.Commit(second);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(new byte[] { 4, 5, 6 })), artifact.Sha256);
    }
}
