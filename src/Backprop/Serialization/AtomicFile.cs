using System.Diagnostics;
using System.Globalization;

namespace Backprop.Serialization;

/// <summary>
/// Writes a file so that readers never see half of it: into a temporary file beside the target
/// (".NAME.PID.GUID.tmp"), then renamed over it. On any error the temporary file is removed and the target is left as
/// it was. A process killed mid-write cannot remove its temporary file, so every write first removes those of its
/// target whose process is gone.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>, all or nothing.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the content to the stream it is given.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space.</exception>
    /// <exception cref="DirectoryNotFoundException">The file's directory does not exist.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{path}: the directory {directory} does not exist");
        }
        RemoveStaleTemporaryFiles(full);
        string temporary = TemporaryPath(full);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>
    /// Checks, before any long work, that <see cref="Write"/> will be able to write <paramref name="path"/>: creates
    /// and removes a temporary file beside it, so permissions, read-only file systems and a directory in the way all
    /// show up now rather than after training.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory may not be written (the message names it).</exception>
    /// <exception cref="IOException">The path is a directory, or the file system refuses the write.</exception>
    public static void CheckWritable(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{path}: the directory {directory} does not exist");
        }
        if (Directory.Exists(full))
        {
            throw new IOException($"{path}: this is a directory, not a file");
        }
        string temporary = TemporaryPath(full);
        try
        {
            new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None).Dispose();
        }
        catch (UnauthorizedAccessException)
        {
            throw new UnauthorizedAccessException($"{path}: no permission to write in {directory}");
        }
        catch (IOException e)
        {
            // The system's reason ("Read-only file system", "No space left on device") without the temporary name.
            string reason = e is FileNotFoundException or DirectoryNotFoundException
                ? "the file system refuses new files"
                : e.Message.Replace($"'{temporary}'", "", StringComparison.Ordinal).Replace(temporary, "", StringComparison.Ordinal).Trim(' ', ':', '.');
            throw new IOException($"{path}: cannot write in {directory} ({reason})", e);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>
    /// Removes ".NAME.PID.GUID.tmp" files beside <paramref name="fullPath"/> whose process PID no longer runs; files of
    /// running processes (this one included) and files of any other naming are left alone. Best effort: a file that
    /// cannot be removed stays.
    /// </summary>
    internal static int RemoveStaleTemporaryFiles(string fullPath)
    {
        string directory = Path.GetDirectoryName(fullPath)!;
        string prefix = "." + Path.GetFileName(fullPath) + ".";
        int removed = 0;
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(directory, ".*.tmp");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        foreach (string candidate in candidates)
        {
            string name = Path.GetFileName(candidate);
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || !TryParseOwner(name.AsSpan(prefix.Length), out int pid)
                || pid == Environment.ProcessId || IsRunning(pid))
            {
                continue;
            }
            try
            {
                File.Delete(candidate);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Someone else's file, or one in use: leave it.
            }
        }
        return removed;
    }

    private static string TemporaryPath(string fullPath)
        => Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    // "PID.GUID.tmp" with PID decimal and GUID 32 hex digits, exactly as TemporaryPath writes it.
    private static bool TryParseOwner(ReadOnlySpan<char> rest, out int pid)
    {
        pid = 0;
        int dot = rest.IndexOf('.');
        if (dot < 1 || !int.TryParse(rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out pid))
        {
            return false;
        }
        ReadOnlySpan<char> tail = rest[(dot + 1)..];
        return tail.Length == 32 + 4 && tail.EndsWith(".tmp", StringComparison.Ordinal) && !tail[..32].ContainsAnyExcept("0123456789abcdef");
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using Process process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no process has this id
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return true; // cannot tell: keep the file
        }
    }
}
