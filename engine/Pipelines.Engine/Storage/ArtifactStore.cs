using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Pipelines.Abstractions;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Content-addressed files: an artifact's path is derived from the SHA-256 of its bytes, so identical results
/// share one file, a file is never referenced under two names, and any change on disk is detectable.
/// A file enters the store by an atomic rename from staging, so a crash leaves either the whole file or none.
/// </summary>
public sealed class ArtifactStore(StoreLayout layout)
{
    private readonly ConcurrentDictionary<string, bool> _shards = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _stagingDirectories = new(StringComparer.Ordinal);

    public StagedArtifact Stage(string runId, string stepId, string kind, string format)
    {
        // One directory per run; the step id in the file name lets a failed step's leftovers be found.
        var directory = Path.Combine(layout.StagingDirectory, runId);
        // Created once per run rather than checked on every artifact: ClearStaging forgets it when it deletes it.
        EnsureDirectory(_stagingDirectories, directory);
        var path = Path.Combine(directory, $"{stepId}.{Guid.NewGuid():N}.{format}");
        return new StagedArtifact(kind, format, path);
    }

    public Artifact Commit(StagedArtifact staged)
    {
        string sha;
        long bytes;
        // One open handle answers existence, size and content, and takes the read-only mode, instead of a
        // system call on the path for each.
        try
        {
            using var handle = File.OpenHandle(staged.Path, FileMode.Open, FileAccess.Read, FileShare.Read);
            bytes = RandomAccess.GetLength(handle);
            sha = Hash(handle);
            if (!OperatingSystem.IsWindows())
            {
                // Stored artifacts are immutable; read-only permissions make accidental edits less likely.
                File.SetUnixFileMode(handle, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidOperationException($"staged {staged.Kind} file {staged.Path} was never written", e);
        }
        var target = layout.ArtifactPath(sha, staged.Format);
        var shard = Path.GetDirectoryName(target)!;
        EnsureDirectory(_shards, shard);
        try
        {
            File.Move(staged.Path, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            // Same content already stored (or a damaged copy under its name): keep one intact file.
            if (HashFile(target) == sha) File.Delete(staged.Path);
            else File.Move(staged.Path, target, overwrite: true);
        }
        return new Artifact(sha, staged.Kind, staged.Format, bytes, layout.RelativeArtifactPath(sha, staged.Format));
    }

    /// <summary>
    /// Creates a directory the first time it is needed. It is remembered only once it exists, so a concurrent
    /// caller never sees it as known before it is on disk (both may create it; that is harmless).
    /// </summary>
    private static void EnsureDirectory(ConcurrentDictionary<string, bool> known, string directory)
    {
        if (known.ContainsKey(directory)) return;
        Directory.CreateDirectory(directory);
        known.TryAdd(directory, true);
    }

    /// <summary>Returns the artifact's absolute path after checking its bytes still hash to its identity.</summary>
    public string OpenVerified(Artifact artifact, string? workspaceRoot = null)
    {
        var path = FullPath(artifact, workspaceRoot);
        if (!File.Exists(path))
        {
            // Retention moves long-retired models' files to the archive; say so rather than only "missing".
            var archived = Path.Combine(layout.Root, ModelRegistry.ArchiveFolder, Path.GetFileName(path));
            throw new ArtifactIntegrityException(File.Exists(archived)
                ? $"{artifact.Kind} artifact {artifact.ShortId} was archived by retention to {archived} (see {ModelRegistry.ArchiveFolder}/{ModelRegistry.ArchiveManifest}); move it back to {path} to use it"
                : $"{artifact.Kind} artifact {artifact.ShortId} is missing: {path}");
        }
        var actual = HashFile(path);
        if (actual != artifact.Sha256)
            throw new ArtifactIntegrityException(
                $"{artifact.Kind} artifact {artifact.ShortId} was altered on disk: {path} hashes to {actual[..12]}, expected {artifact.Sha256[..12]}");
        return path;
    }

    /// <summary>A cheap presence check (size only), used to decide whether a cached result is still usable.</summary>
    public bool IsPresent(Artifact artifact)
    {
        var info = new FileInfo(layout.ArtifactPath(artifact.Sha256, artifact.Format));
        return info.Exists && info.Length == artifact.Bytes;
    }

    public string FullPath(Artifact artifact, string? workspaceRoot = null) =>
        artifact.Kind == "source" && workspaceRoot is not null
            ? Path.Combine(workspaceRoot, artifact.StorePath)
            : layout.ArtifactPath(artifact.Sha256, artifact.Format);

    /// <summary>Removes a run's leftover staging files (from a crash or a failed step).</summary>
    public void ClearStaging(string runId, string? stepId = null)
    {
        var directory = Path.Combine(layout.StagingDirectory, runId);
        if (stepId is null) _stagingDirectories.TryRemove(directory, out _);
        if (!Directory.Exists(directory)) return;
        if (stepId is null)
        {
            Directory.Delete(directory, recursive: true);
            return;
        }
        foreach (var file in Directory.EnumerateFiles(directory, $"{stepId}.*"))
            File.Delete(file);
    }

    public static string HashFile(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        return Hash(handle);
    }

    /// <summary>SHA-256 of a file's whole content, read through a pooled buffer so small artifacts cost one read.</summary>
    private static string Hash(SafeFileHandle handle)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long offset = 0;
            int read;
            while ((read = RandomAccess.Read(handle, buffer, offset)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                offset += read;
            }
            return Convert.ToHexStringLower(sha.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
