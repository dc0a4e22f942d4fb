using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Text.Json;
using Backprop.Cli.Commands;

namespace Backprop.Cli;

/// <summary>
/// The `backprop` command: builds the command tree, parses, runs, and turns every failure into one line on stderr
/// with a non-zero exit code (2 for a usage error, 1 for anything else). No stack trace reaches the user.
/// </summary>
internal static class Cli
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var io = new CliIO(stdout, stderr);
        // A plain command named like the installed tool, so that help shows "backprop", not the assembly's name.
        var root = new Command("backprop", "Backprop: train, explain and ship multilayer perceptrons.")
        {
            new HelpOption(),
            new VersionOption(),
            TrainCommand.Create(io),
            ExplainCommand.Create(io),
            ServeCommand.Create(io),
            EvaluateCommand.Create(io),
            PredictCommand.Create(io),
            BenchCommand.Create(io),
            ExportCommand.Create(io),
            ImportCommand.Create(io),
            SearchCommand.Create(io),
            LrFindCommand.Create(io),
        };
        OptionParsers.Apply(root);

        // With no words at all, show what there is to do rather than an error.
        ParseResult parse = root.Parse(args.Length == 0 ? ["--help"] : args);
        if (parse.Errors.Count > 0)
        {
            // An unrecognised word explains more than the "command was not provided" that follows from it.
            ParseError first = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            stderr.WriteLine($"error: {OneLine(first.Message)} (see 'backprop --help')");
            return UsageError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return Report(e, stderr);
        }
    }

    /// <summary>One line for the user, an exit code for the shell.</summary>
    public static int Report(Exception e, TextWriter stderr)
    {
        switch (e)
        {
            case UsageException:
                stderr.WriteLine($"error: {OneLine(e.Message)}");
                return UsageError;
            case TrainingDivergedException diverged:
                stderr.WriteLine($"error: {OneLine(diverged.Message)}; try a smaller learning rate (--lr)");
                return Failure;
            case InvalidDataException or FileNotFoundException or DirectoryNotFoundException or IOException
                or UnauthorizedAccessException or JsonException or ArgumentException or NotSupportedException:
                stderr.WriteLine($"error: {OneLine(Message(e))}");
                return Failure;
            case OperationCanceledException:
                stderr.WriteLine("error: cancelled");
                return Failure;
            default:
                stderr.WriteLine($"error: unexpected {e.GetType().Name}: {OneLine(e.Message)}");
                return Failure;
        }
    }

    /// <summary>An exception's message without the " (Parameter 'x')" that ArgumentException appends.</summary>
    private static string Message(Exception e)
        => e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;

    /// <summary>
    /// Makes a message safe to print as one line: messages quote file contents (column names, cells), so control
    /// characters, escape sequences and line breaks become '?', and very long messages are cut.
    /// </summary>
    internal static string OneLine(string message)
    {
        const int Limit = 600;
        var sb = new System.Text.StringBuilder(Math.Min(message.Length, Limit + 1));
        foreach (char c in message)
        {
            if (sb.Length >= Limit)
            {
                sb.Append('…');
                break;
            }
            sb.Append(char.IsControl(c) || c == '\uFFFD' ? '?' : c);
        }
        return sb.ToString();
    }
}

/// <summary>Where a command writes: standard output for results, standard error for diagnostics.</summary>
internal sealed record CliIO(TextWriter Out, TextWriter Error);

/// <summary>A mistake in the command line that parsing alone could not catch (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
