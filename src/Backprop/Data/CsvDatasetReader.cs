using System.Globalization;
using System.Numerics;
using Sylvan.Data.Csv;

namespace Backprop.Data;

/// <summary>
/// Reads a CSV file with a header row into a <see cref="Dataset{T}"/>: numeric feature columns into one contiguous
/// block, the label column into class indices. Quoted fields, CRLF or LF line ends and ',', ';', tab or '|'
/// delimiters are handled by Sylvan.Data.Csv; numbers use '.' as the decimal separator unless
/// <see cref="CsvDatasetOptions.DecimalSeparator"/> says ','. The bytes are decoded strictly
/// (<see cref="CsvDatasetOptions.Encoding"/>, UTF-8 by default, with or without a byte-order mark); a gzipped file is
/// decompressed (recognised by content, not by name); an IDX or other binary file is named as such. Files are read
/// forward only, so named pipes and /dev/fd paths work like regular files.
/// Every problem is an <see cref="InvalidDataException"/> whose message names the source, the line and the column.
/// <para>
/// Labels: one column of class names, or several label columns (<see cref="CsvDatasetOptions.Labels"/>) read as
/// regression targets or multi-label 0/1 targets. Unless <see cref="CsvDatasetOptions.Task"/> says, the task is chosen
/// from the values: several columns all holding only 0/1, yes/no or true/false (any case) are multi-label, several
/// numeric columns regression; one column is classification when a value is not a number or when all are integers
/// with at most <see cref="MaxIntegerClasses"/> distinct values, and regression otherwise. A row whose label is empty,
/// NA, N/A or ? is left out and counted (<see cref="Dataset{T}.DroppedRows"/>) unless
/// <see cref="CsvDatasetOptions.DropMissingLabels"/> is false.
/// </para>
/// </summary>
public static class CsvDatasetReader
{
    /// <summary>
    /// The most distinct values a single numeric label column may hold and still be read as classes when
    /// <see cref="CsvDatasetOptions.Task"/> is null (all of them integers): 20.
    /// </summary>
    public const int MaxIntegerClasses = 20;

    /// <summary>The longest record (line) read, in characters: 16 Mi, about a million numeric columns.</summary>
    public const int MaxRecordChars = 1 << 24;

    private const int SniffBytes = 4096;

    /// <summary>Reads the CSV file at <paramref name="path"/> (plain or gzipped; a regular file or a pipe).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The content is not a usable data set (the message says where and why).</exception>
    public static Dataset<T> Read<T>(string path, CsvDatasetOptions? options = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new CsvDatasetOptions();
        using InputStream input = InputStream.Open(path, options.Progress);
        return Read<T>(input, path, options);
    }

    /// <summary>
    /// Reads CSV bytes from <paramref name="stream"/> (plain or gzipped), decoded with
    /// <see cref="CsvDatasetOptions.Encoding"/>; <paramref name="source"/> names it in error messages. The stream is
    /// read forward only and not closed.
    /// </summary>
    /// <exception cref="InvalidDataException">The content is not a usable data set (the message says where and why).</exception>
    public static Dataset<T> Read<T>(Stream stream, string source, CsvDatasetOptions? options = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        options ??= new CsvDatasetOptions();
        using InputStream input = InputStream.Wrap(stream, source, options.Progress);
        return Read<T>(input, source, options);
    }

    private static Dataset<T> Read<T>(InputStream input, string source, CsvDatasetOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        using InputStream content = input.Decompressed();
        CheckIsText(content.Peek(SniffBytes), source, content.IsGzip);
        var reader = new DecodingReader(content, source, options.Encoding);
        return Read<T>(reader, source, options);
    }

    /// <summary>
    /// Names content that is not text: an IDX file, a zip archive (an .xlsx workbook is one), anything with NUL bytes
    /// in its first block (unless a UTF-16 byte-order mark explains them).
    /// </summary>
    private static void CheckIsText(ReadOnlySpan<byte> start, string source, bool gzip)
    {
        string compressed = gzip ? " (inside the gzip compression)" : "";
        if (start.Length >= 4 && start[0] == 0 && start[1] == 0 && start[2] == 0x08 && start[3] is >= 1 and <= 4)
        {
            uint magic = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(start);
            throw new InvalidDataException($"{source}: this is an IDX file{compressed} (magic number 0x{magic:X8}), not CSV text");
        }
        if (start.StartsWith("PK\x03\x04"u8))
        {
            throw new InvalidDataException($"{source}: this is a zip archive{compressed}, not CSV text (an Excel .xlsx workbook is one: save the sheet as CSV)");
        }
        if (!DecodingReader.HasUtf16Mark(start) && start.Contains((byte)0))
        {
            string bytes = string.Join(" ", start[..Math.Min(4, start.Length)].ToArray().Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));
            throw new InvalidDataException($"{source}: this is a binary file{compressed}, not CSV text (it starts with the bytes {bytes} and holds NUL bytes)");
        }
    }

    /// <summary>Reads CSV text from <paramref name="reader"/>; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="InvalidDataException">The content is not a usable data set (the message says where and why).</exception>
    public static Dataset<T> Read<T>(TextReader reader, string source, CsvDatasetOptions? options = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(source);
        options ??= new CsvDatasetOptions();
        NumberFormatInfo numbers = NumberFormat(options.DecimalSeparator);

        // Sylvan reads the header on creation; an empty input has no header at all.
        if (reader.Peek() < 0)
        {
            throw new InvalidDataException($"{source}: the file is empty (a header row and data rows are needed)");
        }
        var csvOptions = new CsvDataReaderOptions
        {
            HasHeaders = true,
            Delimiter = options.Delimiter,
            BufferSize = 1 << 16,
            MaxBufferSize = MaxRecordChars,
        };
        int line = 1;
        using CsvDataReader csv = Csv(() => CsvDataReader.Create(reader, csvOptions), source, line);

        string[] header = ReadHeader(csv, source);
        CsvLabels? labels = CsvLabels.Find(header, options, source, numbers);
        int[] labelColumns = labels?.Indices ?? [];
        int labelColumn = labelColumns.Length > 0 ? labelColumns[0] : -1;
        int[]? fixedFeatures = options.FeatureColumns is null ? null : FindFeatureColumns(header, options.FeatureColumns, labelColumns, source);
        // A table (options.Table) reads every column but the labels: numbers, missing cells and text alike.
        fixedFeatures ??= options.Table is null ? null : [.. Enumerable.Range(0, header.Length).Where(c => !labelColumns.Contains(c))];
        TableColumnsBuilder? table = options.Table is null ? null : new TableColumnsBuilder([.. fixedFeatures!.Select(c => header[c])], options.Table, numbers, source);

        int[] featureColumns = fixedFeatures ?? [];
        int[] ignoredColumns = [];
        int[] numbersInIgnored = [];
        int[] otherSeparatorInIgnored = [];
        int firstDataLine = 0;
        string[] firstRowText = [];
        int width = fixedFeatures?.Length ?? 0;
        T[] x = [];

        int rows = 0;
        Func<bool> next = csv.Read;
        while (Csv(next, source, line + 1))
        {
            line++;
            if (csv.RowFieldCount == 0 || (csv.RowFieldCount == 1 && csv.GetFieldSpan(0).Trim().IsEmpty && header.Length > 1))
            {
                continue; // a blank line
            }
            if (csv.RowFieldCount != header.Length)
            {
                throw new InvalidDataException($"{source}: line {line} has {csv.RowFieldCount} fields but the header has {header.Length}");
            }
            if (labels is not null && !labels.Add(csv, line, rows))
            {
                continue; // a row without its label, dropped and counted (before its features, so a table counts none of its cells)
            }
            if (rows == 0)
            {
                if (fixedFeatures is null)
                {
                    (featureColumns, ignoredColumns) = ChooseNumericColumns(csv, header, labelColumns, numbers);
                    numbersInIgnored = new int[ignoredColumns.Length];
                    otherSeparatorInIgnored = new int[ignoredColumns.Length];
                    firstDataLine = line;
                    firstRowText = [.. ignoredColumns.Select(c => csv.GetString(c).Trim())];
                    width = featureColumns.Length;
                    if (width == 0)
                    {
                        throw new InvalidDataException($"{source}: no numeric feature column (line {line} has no number outside the label column '{header[labelColumn]}')");
                    }
                }
                x = new T[1024 * width];
            }
            if (rows * width == x.Length)
            {
                Array.Resize(ref x, rows * 2 * width);
            }
            Span<T> row = x.AsSpan(rows * width, width);
            for (int j = 0; j < width; j++)
            {
                row[j] = table is not null ? table.Cell(j, csv.GetFieldSpan(featureColumns[j]), line, x, rows, width)
                    : ParseNumber<T>(csv.GetFieldSpan(featureColumns[j]), source, line, header[featureColumns[j]], numbers);
            }
            for (int j = 0; j < ignoredColumns.Length; j++)
            {
                ReadOnlySpan<char> cell = csv.GetFieldSpan(ignoredColumns[j]).Trim();
                if (double.TryParse(cell, NumberStyles.Float, numbers, out _))
                {
                    numbersInIgnored[j]++;
                }
                else if (options.DecimalSeparator == '.' ? IsDecimalComma(cell) : double.TryParse(cell, NumberStyles.Float, NumberFormatInfo.InvariantInfo, out _))
                {
                    otherSeparatorInIgnored[j]++;
                }
            }
            rows++;
        }

        if (rows == 0)
        {
            throw new InvalidDataException(labels is { Dropped: > 0 }
                ? $"{source}: every row's label is missing ({labels.Dropped} rows)"
                : $"{source}: the file has a header but no data rows");
        }
        // A text column is skipped only when it is text: one that mostly holds numbers has a bad cell in its first row,
        // and one that mostly holds numbers with a decimal comma (14,23) comes from a file written that way.
        for (int j = 0; j < ignoredColumns.Length; j++)
        {
            if (otherSeparatorInIgnored[j] * 2 > rows)
            {
                (string kind, string other) = options.DecimalSeparator == '.' ? ("a decimal comma", ",") : ("a decimal point", ".");
                throw new InvalidDataException(
                    $"{source}: line {firstDataLine}, column '{header[ignoredColumns[j]]}': '{firstRowText[j]}' is a number with {kind} ({otherSeparatorInIgnored[j]} of the column's {rows} cells are); read the file with --decimal-separator {other}");
            }
            if (numbersInIgnored[j] * 2 > rows)
            {
                throw new InvalidDataException(
                    $"{source}: line {firstDataLine}, column '{header[ignoredColumns[j]]}': '{firstRowText[j]}' is not a number ({numbersInIgnored[j]} of the column's {rows} cells are)");
            }
        }
        string[] ignored = [.. ignoredColumns.Select(c => header[c])];
        if (x.Length != rows * width)
        {
            Array.Resize(ref x, rows * width);
        }
        string[] featureNames = [.. featureColumns.Select(c => header[c])];
        IReadOnlyList<TableColumnInfo>? columns = table?.Finish(rows);
        if (labels is null)
        {
            string label = options.Labels is { } names ? string.Join(",", names) : options.Label ?? "label";
            return new Dataset<T>(x, width, featureNames, options.ClassNames) { LabelName = label, IgnoredColumns = ignored, Columns = columns };
        }
        return labels.Build(x, width, rows, featureNames, ignored, columns);
    }

    private static string[] ReadHeader(CsvDataReader csv, string source)
    {
        if (csv.FieldCount == 0 || (csv.FieldCount == 1 && csv.GetName(0).Trim().Length == 0))
        {
            throw new InvalidDataException($"{source}: line 1 (header): the first line is empty; a header row with the column names is needed");
        }
        var header = new string[csv.FieldCount];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Length; i++)
        {
            header[i] = csv.GetName(i).Trim();
            if (header[i].Length == 0)
            {
                throw new InvalidDataException($"{source}: line 1 (header), column {i + 1} has no name");
            }
            if (!seen.TryAdd(header[i], i))
            {
                throw new InvalidDataException($"{source}: line 1 (header): column name '{header[i]}' appears twice (columns {seen[header[i]] + 1} and {i + 1})");
            }
        }
        if (header.Length < 2)
        {
            throw new InvalidDataException($"{source}: line 1 (header) has {header.Length} column; at least one feature and a label are needed (is the delimiter right? use --delimiter)");
        }
        return header;
    }

    private static int[] FindFeatureColumns(string[] header, IReadOnlyList<string> names, int[] labelColumns, string source)
    {
        var columns = new int[names.Count];
        for (int j = 0; j < names.Count; j++)
        {
            columns[j] = Array.IndexOf(header, names[j]);
            if (columns[j] < 0)
            {
                throw new InvalidDataException(
                    $"{source}: no column '{names[j]}'; the model reads {names.Count} features ({Abbreviate(names)}) and the file has columns {Abbreviate(header)}");
            }
            if (labelColumns.Contains(columns[j]))
            {
                throw new InvalidDataException($"{source}: column '{names[j]}' is both a feature and the label");
            }
        }
        return columns;
    }

    private static (int[] Features, int[] Ignored) ChooseNumericColumns(CsvDataReader csv, string[] header, int[] labelColumns, NumberFormatInfo numbers)
    {
        var features = new List<int>();
        var ignored = new List<int>();
        for (int c = 0; c < header.Length; c++)
        {
            if (labelColumns.Contains(c))
            {
                continue;
            }
            ReadOnlySpan<char> text = csv.GetFieldSpan(c).Trim();
            // An empty first cell is reported as an empty cell of a feature column rather than silently dropped.
            if (text.IsEmpty || double.TryParse(text, NumberStyles.Float, numbers, out _))
            {
                features.Add(c);
            }
            else
            {
                ignored.Add(c);
            }
        }
        return ([.. features], [.. ignored]);
    }

    private static T ParseNumber<T>(ReadOnlySpan<char> field, string source, int line, string column, NumberFormatInfo numbers) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<char> text = field.Trim();
        if (text.IsEmpty)
        {
            throw new InvalidDataException($"{source}: line {line}, column '{column}': the cell is empty");
        }
        if (!double.TryParse(text, NumberStyles.Float, numbers, out double value))
        {
            throw new InvalidDataException($"{source}: line {line}, column '{column}': '{text}' is not a number");
        }
        T result = T.CreateSaturating(value);
        if (!double.IsFinite(value) || !T.IsFinite(result))
        {
            throw new InvalidDataException($"{source}: line {line}, column '{column}': '{text}' is not a finite number{(double.IsFinite(value) ? " in single precision" : "")}");
        }
        return result;
    }

    /// <summary>The invariant culture's numbers, with ',' as the decimal separator when asked.</summary>
    private static NumberFormatInfo NumberFormat(char decimalSeparator)
    {
        if (decimalSeparator == '.')
        {
            return NumberFormatInfo.InvariantInfo;
        }
        if (decimalSeparator != ',')
        {
            throw new ArgumentException($"The decimal separator must be '.' or ',' (got '{decimalSeparator}').", nameof(decimalSeparator));
        }
        var format = (NumberFormatInfo)NumberFormatInfo.InvariantInfo.Clone();
        format.NumberDecimalSeparator = ",";
        format.NumberGroupSeparator = "\u00A0";
        return NumberFormatInfo.ReadOnly(format);
    }

    /// <summary>True for digits, a comma and digits (with an optional sign): a number written with a decimal comma.</summary>
    internal static bool IsDecimalComma(ReadOnlySpan<char> cell)
    {
        int comma = cell.IndexOf(',');
        if (comma < 0 || cell.LastIndexOf(',') != comma)
        {
            return false;
        }
        ReadOnlySpan<char> whole = cell[..comma];
        if (whole.Length > 0 && whole[0] is '-' or '+')
        {
            whole = whole[1..];
        }
        ReadOnlySpan<char> fraction = cell[(comma + 1)..];
        return !whole.IsEmpty && !fraction.IsEmpty && !whole.ContainsAnyExceptInRange('0', '9') && !fraction.ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>
    /// Runs a step of the CSV parser, turning its format errors into one line naming the source and the line
    /// (<paramref name="line"/>: the record being read).
    /// </summary>
    private static TResult Csv<TResult>(Func<TResult> step, string source, int line)
    {
        try
        {
            return step();
        }
        catch (CsvRecordTooLargeException)
        {
            throw new InvalidDataException(
                $"{source}: line {line} is longer than {MaxRecordChars} characters, the most one record may hold (an unbalanced quote '\"' makes the rest of the file one field)");
        }
        catch (CsvInvalidCharacterException e)
        {
            throw new InvalidDataException(
                $"{source}: line {line}: unexpected '{e.InvalidCharacter}' in a field: an unbalanced quote? (a quoted field must end with '\"' before the next delimiter; a quote inside a field is written '\"\"')");
        }
        catch (CsvFormatException e)
        {
            throw new InvalidDataException($"{source}: line {line}: malformed CSV ({e.Message})");
        }
    }

    /// <summary>Distinct labels to sorted classes: numerically when every label is a number, else ordinally.</summary>
    internal static (int[] ClassOf, IReadOnlyList<string> Names) ClassesFromData(string[] texts)
    {
        var values = new double[texts.Length];
        bool numeric = true;
        for (int i = 0; i < texts.Length && numeric; i++)
        {
            numeric = double.TryParse(texts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) && double.IsFinite(values[i]);
        }
        var classOf = new int[texts.Length];
        if (numeric)
        {
            // "1" and "1.0" are one class, named by its shortest round-trip spelling.
            double[] distinct = [.. values.Distinct().Order()];
            for (int i = 0; i < texts.Length; i++)
            {
                classOf[i] = Array.BinarySearch(distinct, values[i]);
            }
            return (classOf, [.. distinct.Select(v => v.ToString("R", CultureInfo.InvariantCulture))]);
        }
        string[] names = [.. texts.Order(StringComparer.Ordinal)];
        for (int i = 0; i < texts.Length; i++)
        {
            classOf[i] = Array.BinarySearch(names, texts[i], StringComparer.Ordinal);
        }
        return (classOf, names);
    }

    /// <summary>Distinct labels to the indices of a fixed class list (exact text first, then equal numbers).</summary>
    internal static (int[] ClassOf, IReadOnlyList<string> Names) ClassesFromList(string[] texts, IReadOnlyList<string> classes, List<int> firstLine, string source, string column)
    {
        var classOf = new int[texts.Length];
        for (int i = 0; i < texts.Length; i++)
        {
            int index = IndexOfClass(classes, texts[i]);
            if (index < 0)
            {
                throw new InvalidDataException(
                    $"{source}: line {firstLine[i]}, column '{column}': class '{texts[i]}' is not one of the model's classes ({Abbreviate(classes)})");
            }
            classOf[i] = index;
        }
        return (classOf, classes);
    }

    /// <summary>
    /// The index of class <paramref name="text"/> in <paramref name="classes"/>: by exact name, else by equal numeric
    /// value ("1" finds "1.0"); −1 when it is not there.
    /// </summary>
    public static int IndexOfClass(IReadOnlyList<string> classes, string text)
    {
        for (int c = 0; c < classes.Count; c++)
        {
            if (string.Equals(classes[c], text, StringComparison.Ordinal))
            {
                return c;
            }
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            for (int c = 0; c < classes.Count; c++)
            {
                if (double.TryParse(classes[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double other) && other == value)
                {
                    return c;
                }
            }
        }
        return -1;
    }

    internal static string Abbreviate(IReadOnlyList<string> names)
        => names.Count <= 8 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(6))}, … {names[^1]}";
}
