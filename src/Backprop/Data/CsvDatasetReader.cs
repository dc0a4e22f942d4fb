using System.Globalization;
using System.Numerics;
using System.Text;
using Sylvan.Data.Csv;

namespace Backprop.Data;

/// <summary>
/// Reads a CSV file with a header row into a <see cref="Dataset{T}"/>: numeric feature columns into one contiguous
/// block, the label column into class indices. Quoted fields, CRLF or LF line ends, a UTF-8 byte-order mark and
/// ',', ';', tab or '|' delimiters are handled by Sylvan.Data.Csv; numbers use the invariant culture ('.' decimal).
/// Every problem is an <see cref="InvalidDataException"/> whose message names the source, the line and the column.
/// </summary>
public static class CsvDatasetReader
{
    /// <summary>Reads the CSV file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The content is not a usable data set (the message says where and why).</exception>
    public static Dataset<T> Read<T>(string path, CsvDatasetOptions? options = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw Directory.Exists(path)
                ? new InvalidDataException($"{path}: is a directory, not a file")
                : new FileNotFoundException($"{path}: no such file", path);
        }
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read<T>(reader, path, options);
    }

    /// <summary>Reads CSV text from <paramref name="reader"/>; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="InvalidDataException">The content is not a usable data set (the message says where and why).</exception>
    public static Dataset<T> Read<T>(TextReader reader, string source, CsvDatasetOptions? options = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(source);
        options ??= new CsvDatasetOptions();

        // Sylvan reads the header on creation; an empty input has no header at all.
        if (reader.Peek() < 0)
        {
            throw new InvalidDataException($"{source}: the file is empty (a header row and data rows are needed)");
        }
        var csvOptions = new CsvDataReaderOptions { HasHeaders = true, Delimiter = options.Delimiter };
        using CsvDataReader csv = CsvDataReader.Create(reader, csvOptions);

        string[] header = ReadHeader(csv, source);
        int labelColumn = FindLabelColumn(header, options, source);
        int[]? fixedFeatures = options.FeatureColumns is null ? null : FindFeatureColumns(header, options.FeatureColumns, labelColumn, source);

        int[] featureColumns = fixedFeatures ?? [];
        int[] ignoredColumns = [];
        int[] numbersInIgnored = [];
        int firstDataLine = 0;
        string[] firstRowText = [];
        int width = fixedFeatures?.Length ?? 0;
        T[] x = [];
        int[] labelIds = [];
        var labelTexts = new Dictionary<string, int>(StringComparer.Ordinal);
        var firstLine = new List<int>();
        Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup = labelTexts.GetAlternateLookup<ReadOnlySpan<char>>();

        int rows = 0;
        int line = 1;
        while (csv.Read())
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
            if (rows == 0)
            {
                if (fixedFeatures is null)
                {
                    (featureColumns, ignoredColumns) = ChooseNumericColumns(csv, header, labelColumn);
                    numbersInIgnored = new int[ignoredColumns.Length];
                    firstDataLine = line;
                    firstRowText = [.. ignoredColumns.Select(c => csv.GetString(c).Trim())];
                    width = featureColumns.Length;
                    if (width == 0)
                    {
                        throw new InvalidDataException($"{source}: no numeric feature column (line {line} has no number outside the label column '{header[labelColumn]}')");
                    }
                }
                x = new T[1024 * width];
                labelIds = new int[1024];
            }
            if (rows == labelIds.Length)
            {
                Array.Resize(ref labelIds, rows * 2);
                Array.Resize(ref x, rows * 2 * width);
            }
            Span<T> row = x.AsSpan(rows * width, width);
            for (int j = 0; j < width; j++)
            {
                row[j] = ParseNumber<T>(csv.GetFieldSpan(featureColumns[j]), source, line, header[featureColumns[j]]);
            }
            for (int j = 0; j < ignoredColumns.Length; j++)
            {
                if (double.TryParse(csv.GetFieldSpan(ignoredColumns[j]).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    numbersInIgnored[j]++;
                }
            }
            if (labelColumn >= 0)
            {
                ReadOnlySpan<char> text = csv.GetFieldSpan(labelColumn).Trim();
                if (text.IsEmpty)
                {
                    throw new InvalidDataException($"{source}: line {line}, column '{header[labelColumn]}': the label is empty");
                }
                if (!lookup.TryGetValue(text, out int id))
                {
                    id = labelTexts.Count;
                    lookup[text] = id;
                    firstLine.Add(line);
                }
                labelIds[rows] = id;
            }
            rows++;
        }

        if (rows == 0)
        {
            throw new InvalidDataException($"{source}: the file has a header but no data rows");
        }
        // A text column is skipped only when it is text: one that mostly holds numbers has a bad cell in its first row.
        for (int j = 0; j < ignoredColumns.Length; j++)
        {
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
        if (labelColumn < 0)
        {
            return new Dataset<T>(x, width, featureNames, options.ClassNames) { LabelName = options.Label ?? "label", IgnoredColumns = ignored };
        }
        string labelName = header[labelColumn];
        string[] texts = new string[labelTexts.Count];
        foreach ((string text, int id) in labelTexts)
        {
            texts[id] = text;
        }
        (int[] classOf, IReadOnlyList<string> classNames) = options.ClassNames is null
            ? ClassesFromData(texts)
            : ClassesFromList(texts, options.ClassNames, firstLine, source, labelName);
        var labels = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            labels[i] = classOf[labelIds[i]];
        }
        return new Dataset<T>(x, width, labels, classNames.Count, featureNames, classNames) { LabelName = labelName, IgnoredColumns = ignored };
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

    private static int FindLabelColumn(string[] header, CsvDatasetOptions options, string source)
    {
        if (options.Label is null)
        {
            return options.LabelOptional ? -1 : header.Length - 1;
        }
        int index = Array.IndexOf(header, options.Label.Trim());
        if (index < 0 && !options.LabelOptional)
        {
            throw new InvalidDataException($"{source}: no label column '{options.Label}' (the columns are {string.Join(", ", header)})");
        }
        return index;
    }

    private static int[] FindFeatureColumns(string[] header, IReadOnlyList<string> names, int labelColumn, string source)
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
            if (columns[j] == labelColumn)
            {
                throw new InvalidDataException($"{source}: column '{names[j]}' is both a feature and the label");
            }
        }
        return columns;
    }

    private static (int[] Features, int[] Ignored) ChooseNumericColumns(CsvDataReader csv, string[] header, int labelColumn)
    {
        var features = new List<int>();
        var ignored = new List<int>();
        for (int c = 0; c < header.Length; c++)
        {
            if (c == labelColumn)
            {
                continue;
            }
            ReadOnlySpan<char> text = csv.GetFieldSpan(c).Trim();
            // An empty first cell is reported as an empty cell of a feature column rather than silently dropped.
            if (text.IsEmpty || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
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

    private static T ParseNumber<T>(ReadOnlySpan<char> field, string source, int line, string column) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<char> text = field.Trim();
        if (text.IsEmpty)
        {
            throw new InvalidDataException($"{source}: line {line}, column '{column}': the cell is empty");
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
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

    /// <summary>Distinct labels to sorted classes: numerically when every label is a number, else ordinally.</summary>
    private static (int[] ClassOf, IReadOnlyList<string> Names) ClassesFromData(string[] texts)
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
    private static (int[] ClassOf, IReadOnlyList<string> Names) ClassesFromList(string[] texts, IReadOnlyList<string> classes, List<int> firstLine, string source, string column)
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
