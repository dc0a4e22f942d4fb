using System.Globalization;
using System.Numerics;

namespace Backprop.Preprocessing;

/// <summary>
/// Reads the cells of a table's columns for <see cref="CsvDatasetReader"/> (<see cref="CsvDatasetOptions.Table"/>):
/// a number stays a number, a missing cell becomes NaN, text becomes its code in the column's list of values. A column
/// turns to text at its first cell of text (its earlier numbers become texts too), unless it must hold numbers.
/// </summary>
internal sealed class TableColumnsBuilder
{
    private readonly string _source;
    private readonly NumberFormatInfo _numbers;
    private readonly TableReading _reading;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _missing;
    private readonly bool _missingMayStartWithDigit;
    private readonly Column[] _columns;

    public TableColumnsBuilder(string[] names, TableReading reading, NumberFormatInfo numbers, string source)
    {
        _source = source;
        _numbers = numbers;
        _reading = reading;
        var missing = new HashSet<string>(reading.MissingValues.Select(v => v.Trim()), StringComparer.OrdinalIgnoreCase);
        _missing = missing.GetAlternateLookup<ReadOnlySpan<char>>();
        _missingMayStartWithDigit = missing.Any(v => v.Length > 0 && char.IsAsciiDigit(v[0]));
        var categorical = new HashSet<string>(reading.Categorical, StringComparer.Ordinal);
        var numeric = new HashSet<string>(reading.Numeric, StringComparer.Ordinal);
        _columns = [.. names.Select(n => new Column(n, reading.AllCategorical || categorical.Contains(n), numeric.Contains(n)))];
    }

    /// <summary>
    /// The value of column <paramref name="j"/>'s cell on <paramref name="line"/>; when the column turns to text here, its
    /// earlier cells (rows 0..<paramref name="rows"/> of the (rows, <paramref name="width"/>) block <paramref name="x"/>)
    /// are rewritten as codes.
    /// </summary>
    public T Cell<T>(int j, ReadOnlySpan<char> field, int line, T[] x, int rows, int width) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Column column = _columns[j];
        ReadOnlySpan<char> text = field.Trim();
        if (IsMissing(text))
        {
            if (_reading.MissingIsError)
            {
                throw new InvalidDataException(text.IsEmpty
                    ? $"{_source}: line {line}, column '{column.Name}': the cell is empty"
                    : $"{_source}: line {line}, column '{column.Name}': '{text}' is a missing value");
            }
            column.Missing++;
            return T.NaN;
        }
        bool isNumber = double.TryParse(text, NumberStyles.Float, _numbers, out double value);
        if (column.IsText)
        {
            column.Count(isNumber, text, line, _numbers);
            return T.CreateChecked(column.Code(text.ToString()));
        }
        if (isNumber)
        {
            T result = T.CreateSaturating(value);
            if (!double.IsFinite(value) || !T.IsFinite(result))
            {
                throw new InvalidDataException($"{_source}: line {line}, column '{column.Name}': '{text}' is not a finite number{(double.IsFinite(value) ? " in single precision" : "")}");
            }
            column.Numbers++;
            return result;
        }
        if (column.MustBeNumeric)
        {
            throw new InvalidDataException($"{_source}: line {line}, column '{column.Name}': '{text}' is not a number");
        }
        // The first text in a column read as numbers so far: its numbers become texts (in their shortest spelling).
        column.IsText = true;
        for (int r = 0; r < rows; r++)
        {
            T earlier = x[r * width + j];
            if (!T.IsNaN(earlier))
            {
                x[r * width + j] = T.CreateChecked(column.Code(float.CreateChecked(earlier).ToString("R", CultureInfo.InvariantCulture)));
            }
        }
        column.Count(false, text, line, _numbers);
        return T.CreateChecked(column.Code(text.ToString()));
    }

    /// <summary>
    /// The columns as read from <paramref name="rows"/> rows. A text column in which most cells are numbers is an error
    /// (its text is a mistake), and so is one in which most cells are numbers with the other decimal separator.
    /// </summary>
    public TableColumnInfo[] Finish(int rows)
    {
        foreach (Column c in _columns)
        {
            if (!c.IsText || c.ForcedText)
            {
                continue;
            }
            if (c.OtherSeparator * 2 > rows)
            {
                (string kind, string other) = _numbers.NumberDecimalSeparator == "." ? ("a decimal comma", ",") : ("a decimal point", ".");
                throw new InvalidDataException(
                    $"{_source}: line {c.FirstTextLine}, column '{c.Name}': '{c.FirstText}' is a number with {kind} ({c.OtherSeparator} of the column's {rows} cells are); read the file with --decimal-separator {other}");
            }
            if (c.Numbers * 2 > rows)
            {
                throw new InvalidDataException(
                    $"{_source}: line {c.FirstTextLine}, column '{c.Name}': '{c.FirstText}' is not a number ({c.Numbers} of the column's {rows} cells are)");
            }
        }
        return [.. _columns.Select(c => new TableColumnInfo(c.Name, c.IsText, c.IsText ? c.Values : [], c.Missing))];
    }

    // Most cells of a large file are numbers: one that starts with a digit skips the lookup unless a missing value could.
    private bool IsMissing(ReadOnlySpan<char> text)
        => (_missingMayStartWithDigit || text.IsEmpty || !char.IsAsciiDigit(text[0])) && _missing.Contains(text);

    private sealed class Column(string name, bool forcedText, bool mustBeNumeric)
    {
        private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);

        public string Name { get; } = name;

        public bool ForcedText { get; } = forcedText;

        public bool MustBeNumeric { get; } = mustBeNumeric;

        public bool IsText { get; set; } = forcedText;

        public List<string> Values { get; } = [];

        public int Missing { get; set; }

        /// <summary>Cells that are numbers (in a text column: counted to tell a mistake from text).</summary>
        public int Numbers { get; set; }

        public int OtherSeparator { get; private set; }

        public int FirstTextLine { get; private set; }

        public string FirstText { get; private set; } = "";

        public void Count(bool isNumber, ReadOnlySpan<char> text, int line, NumberFormatInfo numbers)
        {
            if (isNumber)
            {
                Numbers++;
                return;
            }
            if (FirstTextLine == 0)
            {
                FirstTextLine = line;
                FirstText = text.ToString();
            }
            bool other = numbers.NumberDecimalSeparator == "."
                ? CsvDatasetReader.IsDecimalComma(text)
                : double.TryParse(text, NumberStyles.Float, NumberFormatInfo.InvariantInfo, out _);
            if (other)
            {
                OtherSeparator++;
            }
        }

        public int Code(string text)
        {
            if (!_codes.TryGetValue(text, out int code))
            {
                code = Values.Count;
                if (code >= 1 << 24)
                {
                    throw new InvalidDataException($"column '{Name}' has more than {1 << 24} distinct texts");
                }
                _codes[text] = code;
                Values.Add(text);
            }
            return code;
        }
    }
}
