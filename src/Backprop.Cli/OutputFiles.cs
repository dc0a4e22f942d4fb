namespace Backprop.Cli;

/// <summary>
/// The one rule for every command that writes files, checked before any work: no output may be the same file as an
/// input or as another output (compared as full paths with every symbolic link resolved), and every output must be
/// writable now, not found unwritable after an hour of training. A command lists its inputs and outputs, then calls
/// <see cref="Check"/>.
/// </summary>
internal sealed class OutputFiles
{
    private readonly List<Entry> _inputs = [];
    private readonly List<Entry> _outputs = [];

    private sealed record Entry(string Option, string Path, string Resolved, string? MayReplace);

    /// <summary>A file the command reads (ignored when null or "-", standard input).</summary>
    public OutputFiles Input(string option, string? path)
    {
        if (path is not null && path != "-")
        {
            _inputs.Add(new Entry(option, path, Resolve(path), null));
        }
        return this;
    }

    /// <summary>
    /// A file the command writes (ignored when null). <paramref name="mayReplace"/> names the one input option it may
    /// legitimately be (--checkpoint over the --resume file it continues).
    /// </summary>
    public OutputFiles Output(string option, string? path, string? mayReplace = null)
    {
        if (path is not null)
        {
            _outputs.Add(new Entry(option, path, Resolve(path), mayReplace));
        }
        return this;
    }

    /// <summary>Refuses clashing or unwritable outputs.</summary>
    /// <exception cref="UsageException">An output is an input or another output, or cannot be written (one line naming the options).</exception>
    public void Check()
    {
        for (int i = 0; i < _outputs.Count; i++)
        {
            Entry output = _outputs[i];
            foreach (Entry input in _inputs)
            {
                if (Same(output.Resolved, input.Resolved) && output.MayReplace != input.Option)
                {
                    throw new UsageException($"{output.Option} {output.Path} is the {input.Option} file; writing it would destroy the input; give {output.Option} another path");
                }
            }
            for (int j = 0; j < i; j++)
            {
                if (Same(output.Resolved, _outputs[j].Resolved))
                {
                    throw new UsageException($"{_outputs[j].Option} and {output.Option} are the same file ({output.Path}); one would overwrite the other; give them different paths");
                }
            }
        }
        foreach (Entry output in _outputs)
        {
            try
            {
                // Where the write really lands: a file beside the path, renamed over it.
                Backprop.Serialization.AtomicFile.CheckWritable(output.Path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                string reason = e.Message.StartsWith(output.Path, StringComparison.Ordinal) ? e.Message[output.Path.Length..].TrimStart(':', ' ') : e.Message;
                throw new UsageException($"{output.Option} {output.Path}: {reason}");
            }
        }
    }

    /// <summary>Whether two resolved paths name the same file (case-insensitively where the file system is).</summary>
    internal static bool Same(string a, string b)
        => string.Equals(a, b, OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>
    /// The full path with every symbolic link resolved, component by component (like realpath), for files that do not
    /// exist yet too: the existing part of the path is resolved and the rest appended.
    /// </summary>
    internal static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        string? root = Path.GetPathRoot(full);
        string current = string.IsNullOrEmpty(root) ? full : root;
        string[] parts = full[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            string next = Path.Combine(current, parts[i]);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            FileSystemInfo? target = null;
            try
            {
                target = info.LinkTarget is null ? null : info.ResolveLinkTarget(returnFinalTarget: true);
            }
            catch (IOException)
            {
                // A link loop or an unreadable link: compare it by its own name.
            }
            current = target is null ? next : Path.GetFullPath(target.FullName);
            if (target is null && !info.Exists)
            {
                // Nothing more exists on disk below here, so nothing more to resolve.
                return Path.Combine([current, .. parts[(i + 1)..]]);
            }
        }
        return current;
    }
}
