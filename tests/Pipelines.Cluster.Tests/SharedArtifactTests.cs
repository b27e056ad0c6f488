using System.Security.Cryptography;
using Pipelines.Engine.Storage;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// Artifacts in a directory shared by several processes (<c>store.artifacts</c>): two writers storing the same content at
/// the same moment both get the one intact file, because a file enters the store only by a rename within that directory.
/// </summary>
public sealed class SharedArtifactTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pipelines-cluster-tests", Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        foreach (var file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)) File.SetAttributes(file, FileAttributes.Normal);
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Two_machines_storing_the_same_content_at_once_leave_one_intact_file_and_no_leftovers()
    {
        var shared = Path.Combine(_root, "shared");
        var machines = new[] { new StoreLayout(Path.Combine(_root, "node-a"), shared), new StoreLayout(Path.Combine(_root, "node-b"), shared) };
        foreach (var layout in machines) layout.EnsureDirectories();
        var stores = machines.Select(layout => new ArtifactStore(layout)).ToArray();

        for (var round = 0; round < 25; round++)
        {
            var content = RandomNumberGenerator.GetBytes(256 * 1024 + round);
            var expected = Convert.ToHexStringLower(SHA256.HashData(content));
            using var start = new Barrier(stores.Length);
            var writers = stores.Select((store, i) => Task.Run(() =>
            {
                var staged = store.Stage($"run-{i}-{round}", "train", "model", "bin");
                File.WriteAllBytes(staged.Path, content);
                start.SignalAndWait();
                return store.Commit(staged);
            })).ToArray();
            var stored = await Task.WhenAll(writers);

            Assert.All(stored, a => Assert.Equal(expected, a.Sha256));
            var path = machines[0].ArtifactPath(expected, "bin");
            Assert.Equal(expected, ArtifactStore.HashFile(path));
            Assert.Equal(path, stores[1].OpenVerified(stored[1]));
        }
        Assert.Empty(Directory.EnumerateFiles(machines[0].StagingDirectory, "*", SearchOption.AllDirectories));
        Assert.Equal(25, Directory.EnumerateFiles(shared, "*.bin", SearchOption.AllDirectories).Count());
        Assert.False(Directory.Exists(Path.Combine(_root, "node-a", "artifacts")));
    }
}
