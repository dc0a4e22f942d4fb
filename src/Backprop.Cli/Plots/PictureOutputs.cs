namespace Backprop.Cli.Plots;

/// <summary>
/// Checks the paths of --plot and --report before any work starts, so that a long run never ends in a path error:
/// --plot names a folder (created when missing) and --report an .html file in an existing folder, and neither may
/// overwrite a file the command reads or another file it writes.
/// </summary>
internal static class PictureOutputs
{
    /// <summary>Creates the --plot folder if it is missing; returns the folder as given.</summary>
    /// <param name="protectedFiles">Files the command reads or writes elsewhere, by the option that names them (null paths and "-" are skipped).</param>
    /// <exception cref="UsageException">The path is empty, is a file, cannot be created, or a picture would overwrite a protected file.</exception>
    public static string PrepareDirectory(string option, string directory, IEnumerable<(string Option, string? Path)> protectedFiles)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new UsageException($"{option}: give a folder for the pictures");
        }
        string full = Path.GetFullPath(directory);
        if (File.Exists(full))
        {
            throw new UsageException($"{option} {directory}: this is a file; give a folder for the pictures");
        }
        foreach (string name in TrainingPictures.FileNames)
        {
            string picture = Path.Combine(full, name);
            if (Clash(protectedFiles, picture) is string clash)
            {
                throw new UsageException($"{option} {directory}: {name} would overwrite the {clash} file; choose another folder");
            }
        }
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option} {directory}: cannot create the folder ({e.Message.TrimEnd('.')})");
        }
        return directory;
    }

    /// <summary>Checks the --report path: an .html/.htm file in an existing folder that is not a protected file.</summary>
    /// <exception cref="UsageException">The path is unusable (the message says why).</exception>
    public static void CheckReport(string option, string path, IEnumerable<(string Option, string? Path)> protectedFiles)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new UsageException($"{option}: give a file name ending in .html");
        }
        string extension = Path.GetExtension(path);
        if (!extension.Equals(".html", StringComparison.OrdinalIgnoreCase) && !extension.Equals(".htm", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"{option} {path}: the report is an HTML page; give a file name ending in .html");
        }
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new UsageException($"{option} {path}: this is a folder; give a file name ending in .html");
        }
        string? directory = Path.GetDirectoryName(full);
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new UsageException($"{option} {path}: the directory {directory} does not exist");
        }
        if (Clash(protectedFiles, full) is string clash)
        {
            throw new UsageException($"{option} {path}: this is the {clash} file; choose another name");
        }
    }

    // The option whose file is at path, or null: the same rule as every other output (OutputFiles), symbolic links
    // resolved.
    private static string? Clash(IEnumerable<(string Option, string? Path)> files, string path)
    {
        string resolved = OutputFiles.Resolve(path);
        return files.Where(f => !string.IsNullOrWhiteSpace(f.Path) && f.Path != "-" && OutputFiles.Same(OutputFiles.Resolve(f.Path), resolved))
            .Select(f => f.Option).FirstOrDefault();
    }
}
