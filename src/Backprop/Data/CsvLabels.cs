using System.Globalization;
using System.Numerics;
using Sylvan.Data.Csv;

namespace Backprop.Data;

/// <summary>
/// The label side of <see cref="CsvDatasetReader"/>: one or more label columns read row by row as text (each distinct
/// text once), then turned into class labels, regression targets or multi-label 0/1 targets, by
/// <see cref="CsvDatasetOptions.Task"/> or, when that is null, by the rule <see cref="Choose"/> states.
/// A row whose label is missing (an empty cell, NA, N/A or ?) is dropped and counted, or is an error.
/// </summary>
internal sealed class CsvLabels
{
    private readonly string _source;
    private readonly CsvDatasetOptions _options;
    private readonly NumberFormatInfo _numbers;
    private readonly Column[] _columns;
    private bool _missingKept;

    private CsvLabels(string source, CsvDatasetOptions options, NumberFormatInfo numbers, Column[] columns)
    {
        _source = source;
        _options = options;
        _numbers = numbers;
        _columns = columns;
    }

    /// <summary>The label columns' indices in the header.</summary>
    public int[] Indices => [.. _columns.Select(c => c.Index)];

    /// <summary>Rows dropped so far because a label was missing.</summary>
    public int Dropped { get; private set; }

    /// <summary>
    /// The label columns the options name (<see cref="CsvDatasetOptions.Labels"/>, else <see cref="CsvDatasetOptions.Label"/>,
    /// else the last column); null when they are absent and labels are optional.
    /// </summary>
    /// <exception cref="InvalidDataException">A named label column is missing (and labels are not optional).</exception>
    public static CsvLabels? Find(string[] header, CsvDatasetOptions options, string source, NumberFormatInfo numbers)
    {
        if (options.Labels is { } names && options.Label is not null)
        {
            throw new ArgumentException("Give the label column as Label or the label columns as Labels, not both.", nameof(options));
        }
        IReadOnlyList<string>? wanted = options.Labels ?? (options.Label is null ? null : [options.Label]);
        if (wanted is null)
        {
            return options.LabelOptional ? null : new CsvLabels(source, options, numbers, [new Column(header[^1], header.Length - 1)]);
        }
        if (wanted.Count == 0)
        {
            throw new ArgumentException("Labels names no column.", nameof(options));
        }
        var columns = new List<Column>();
        var missing = new List<string>();
        foreach (string name in wanted)
        {
            int index = Array.IndexOf(header, name.Trim());
            if (index < 0)
            {
                missing.Add(name);
            }
            else if (columns.Any(c => c.Index == index))
            {
                throw new InvalidDataException($"{source}: label column '{name}' is named twice");
            }
            else
            {
                columns.Add(new Column(header[index], index));
            }
        }
        if (missing.Count == 0)
        {
            return new CsvLabels(source, options, numbers, [.. columns]);
        }
        if (options.LabelOptional && columns.Count == 0)
        {
            return null;
        }
        string what = missing.Count == 1 ? $"no label column '{missing[0]}'" : $"no label columns {string.Join(", ", missing.Select(m => $"'{m}'"))}";
        throw new InvalidDataException($"{source}: {what} (the columns are {string.Join(", ", header)})");
    }

    /// <summary>
    /// Reads the label cells of the current record (row <paramref name="row"/>, file line <paramref name="line"/>). False
    /// when a label is missing and the row is to be dropped.
    /// </summary>
    /// <exception cref="InvalidDataException">A label is missing and <see cref="CsvDatasetOptions.DropMissingLabels"/> is false.</exception>
    public bool Add(CsvDataReader csv, int line, int row)
    {
        foreach (Column column in _columns)
        {
            ReadOnlySpan<char> text = csv.GetFieldSpan(column.Index).Trim();
            if (!IsMissing(text))
            {
                continue;
            }
            if (_options.LabelOptional)
            {
                // Rows to predict on are never dropped: the labels are then not used at all.
                _missingKept = true;
                continue;
            }
            if (!_options.DropMissingLabels)
            {
                string what = text.IsEmpty ? "the label is empty" : $"the label is missing ('{text}')";
                throw new InvalidDataException($"{_source}: line {line}, column '{column.Name}': {what}");
            }
            Dropped++;
            return false;
        }
        foreach (Column column in _columns)
        {
            column.Add(csv.GetFieldSpan(column.Index).Trim(), line, row);
        }
        return true;
    }

    /// <summary>An empty cell, NA, N/A or ? (any case): a label that is not there.</summary>
    public static bool IsMissing(ReadOnlySpan<char> text)
        => text.IsEmpty || text is "?" || text.Equals("NA", StringComparison.OrdinalIgnoreCase) || text.Equals("N/A", StringComparison.OrdinalIgnoreCase);

    /// <summary>The data set: <paramref name="x"/> (rows, width) with these rows' labels in the form the task needs.</summary>
    /// <exception cref="InvalidDataException">A label does not fit the task (the message names the line and column).</exception>
    public Dataset<T> Build<T>(T[] x, int width, int rows, string[] featureNames, string[] ignored, IReadOnlyList<TableColumnInfo>? columns) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string labelName = string.Join(",", _columns.Select(c => c.Name));
        if (_missingKept)
        {
            return new Dataset<T>(x, width, featureNames, _options.ClassNames) { LabelName = labelName, IgnoredColumns = ignored, Columns = columns };
        }
        LearningTask task = _options.ClassNames is not null ? LearningTask.Classification : _options.Task ?? Choose();
        if (task == LearningTask.Classification)
        {
            if (_columns.Length > 1)
            {
                throw new InvalidDataException(
                    $"{_source}: classification reads one label column, and {labelName} are {_columns.Length} (several yes/no columns are multi-label, several numeric ones regression)");
            }
            Column column = _columns[0];
            string[] texts = column.Texts();
            (int[] classOf, IReadOnlyList<string> classNames) = _options.ClassNames is null
                ? CsvDatasetReader.ClassesFromData(texts)
                : CsvDatasetReader.ClassesFromList(texts, _options.ClassNames, column.FirstLine, _source, column.Name);
            var labels = new int[rows];
            for (int i = 0; i < rows; i++)
            {
                labels[i] = classOf[column.Ids[i]];
            }
            return new Dataset<T>(x, width, labels, classNames.Count, featureNames, classNames)
            {
                LabelName = labelName,
                IgnoredColumns = ignored,
                Columns = columns,
                DroppedRows = Dropped,
            };
        }
        int k = _columns.Length;
        var targets = new T[rows * k];
        for (int j = 0; j < k; j++)
        {
            Column column = _columns[j];
            T[] valueOf = task == LearningTask.Regression ? column.Numbers<T>(_numbers, _source) : column.YesNo<T>(_source);
            for (int i = 0; i < rows; i++)
            {
                targets[i * k + j] = valueOf[column.Ids[i]];
            }
        }
        return new Dataset<T>(x, width, targets, k, featureNames)
        {
            LabelName = labelName,
            IgnoredColumns = ignored,
            Columns = columns,
            Task = task,
            TargetNames = [.. _columns.Select(c => c.Name)],
            DroppedRows = Dropped,
        };
    }

    /// <summary>
    /// The task the label columns' values ask for. Several columns: multi-label when every column holds only 0/1, yes/no
    /// or true/false (any case), else regression when every column holds only numbers. One column: classification when
    /// a value is not a number, or when every value is an integer and there are at most
    /// <see cref="CsvDatasetReader.MaxIntegerClasses"/> distinct ones; otherwise (fractions, or many distinct integers) regression.
    /// </summary>
    /// <exception cref="InvalidDataException">Several columns fit neither multi-label nor regression (the message names a column and value).</exception>
    private LearningTask Choose()
    {
        if (_columns.Length > 1)
        {
            if (_columns.All(c => c.Texts().All(t => YesNo(t) is not null)))
            {
                return LearningTask.MultiLabel;
            }
            foreach (Column column in _columns)
            {
                string[] texts = column.Texts();
                // The value that is neither, else (yes/no text beside numbers that are not 0/1) the first that is no number.
                int bad = Array.FindIndex(texts, t => !IsNumber(t) && YesNo(t) is null);
                bad = bad >= 0 ? bad : Array.FindIndex(texts, t => !IsNumber(t));
                if (bad >= 0)
                {
                    throw new InvalidDataException(
                        $"{_source}: line {column.FirstLine[bad]}, column '{column.Name}': '{texts[bad]}' is neither a number nor 0/1, yes/no or true/false; several label columns are all yes/no (multi-label) or all numbers (regression)");
                }
            }
            return LearningTask.Regression;
        }
        string[] values = _columns[0].Texts();
        if (!values.All(IsNumber))
        {
            return LearningTask.Classification;
        }
        double[] numbers = [.. values.Select(v => double.Parse(v, NumberStyles.Float, _numbers)).Distinct()];
        return numbers.All(v => double.IsFinite(v) && v == Math.Round(v)) && numbers.Length <= CsvDatasetReader.MaxIntegerClasses
            ? LearningTask.Classification
            : LearningTask.Regression;
    }

    private bool IsNumber(string text) => double.TryParse(text, NumberStyles.Float, _numbers, out _);

    /// <summary>0/1, yes/no, true/false (any case) as false/true; null for anything else.</summary>
    private static bool? YesNo(string text)
    {
        if (text is "1" || text.Equals("yes", StringComparison.OrdinalIgnoreCase) || text.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (text is "0" || text.Equals("no", StringComparison.OrdinalIgnoreCase) || text.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return null;
    }

    /// <summary>One label column: its distinct texts, the line each first appears on, and each row's text id.</summary>
    private sealed class Column(string name, int index)
    {
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

        public string Name { get; } = name;

        public int Index { get; } = index;

        public List<int> FirstLine { get; } = [];

        public int[] Ids { get; private set; } = new int[1024];

        public void Add(ReadOnlySpan<char> text, int line, int row)
        {
            Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
            if (!lookup.TryGetValue(text, out int id))
            {
                id = _ids.Count;
                lookup[text] = id;
                FirstLine.Add(line);
            }
            if (row == Ids.Length)
            {
                int[] ids = Ids;
                Array.Resize(ref ids, row * 2);
                Ids = ids;
            }
            Ids[row] = id;
        }

        /// <summary>The distinct texts by id.</summary>
        public string[] Texts()
        {
            var texts = new string[_ids.Count];
            foreach ((string text, int id) in _ids)
            {
                texts[id] = text;
            }
            return texts;
        }

        /// <summary>Each distinct text as a finite number (a regression target).</summary>
        public T[] Numbers<T>(NumberFormatInfo numbers, string source) where T : unmanaged, IFloatingPointIeee754<T>
        {
            string[] texts = Texts();
            var values = new T[texts.Length];
            for (int i = 0; i < texts.Length; i++)
            {
                if (!double.TryParse(texts[i], NumberStyles.Float, numbers, out double value))
                {
                    throw new InvalidDataException($"{source}: line {FirstLine[i]}, column '{Name}': '{texts[i]}' is not a number, and a regression target must be one");
                }
                values[i] = T.CreateSaturating(value);
                if (!double.IsFinite(value) || !T.IsFinite(values[i]))
                {
                    throw new InvalidDataException(
                        $"{source}: line {FirstLine[i]}, column '{Name}': '{texts[i]}' is not a finite number{(double.IsFinite(value) ? " in single precision" : "")}, and a regression target must be one");
                }
            }
            return values;
        }

        /// <summary>Each distinct text as 0 or 1 (a multi-label column).</summary>
        public T[] YesNo<T>(string source) where T : unmanaged, IFloatingPointIeee754<T>
        {
            string[] texts = Texts();
            var values = new T[texts.Length];
            for (int i = 0; i < texts.Length; i++)
            {
                values[i] = CsvLabels.YesNo(texts[i]) switch
                {
                    true => T.One,
                    false => T.Zero,
                    null => throw new InvalidDataException(
                        $"{source}: line {FirstLine[i]}, column '{Name}': '{texts[i]}' is not 0/1, yes/no or true/false, the two values a multi-label column may hold"),
                };
            }
            return values;
        }
    }
}
