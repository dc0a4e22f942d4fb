using System.Globalization;
using System.Text.Json;

namespace Backprop.Explain;

/// <summary>
/// Compares a learner's hand-computed values with the recorded step. The answers file is a JSON object from
/// quantity names (z2, a2, z3, a3, loss, delta3, dW2, db2, delta2, dW1, db1, W1', b1', W2', b2', …) to a number
/// (loss), a list (a vector, or a column [[…], …]) or a list of rows (a matrix; with a batch, z, a and δ have one
/// column per sample). A value agrees when the exact value, rounded to as many decimals as the learner wrote,
/// equals it: 0.0334 for 0.0334618 does not agree (it rounds to 0.0335).
/// </summary>
internal static class AnswerChecker
{
    /// <exception cref="InvalidDataException">The JSON is malformed, names an unknown quantity, repeats one,
    /// holds something other than numbers, or a shape disagrees with the step (the message names which).</exception>
    public static CheckReport Check(Explanation explanation, string json, string source)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{source}: expected a JSON object such as {{\"z2\": [0.7, 1.6], \"loss\": 1.428}}");
            }
            var read = new List<(NamedQuantity Quantity, string[,] Given, bool Transposed)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw new InvalidDataException($"{source}: \"{property.Name}\" is given twice");
                }
                NamedQuantity quantity = explanation.Find(property.Name)
                    ?? throw new InvalidDataException($"{source}: unknown quantity \"{property.Name}\"; this network has {string.Join(", ", explanation.Quantities.Select(q => q.Name))}");
                (string[,] given, bool transposed) = ReadShape(property.Value, quantity, source);
                read.Add((quantity, given, transposed));
            }
            return Judge(explanation, read, source);
        }
    }

    /// <summary>
    /// Checks answers given as number texts, each quantity's entries row by row in the step's shape (a vector: one entry
    /// per unit; with a batch, z, a and δ row by row over units, a column per sample): the entry point for a caller
    /// that has the answers already apart, such as a form. The verdicts are those of <see cref="Check(Explanation, string, string)"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">A name is unknown, a quantity has the wrong number of entries, or an entry
    /// is not a finite number (the message names which).</exception>
    public static CheckReport Check(Explanation explanation, IReadOnlyDictionary<string, IReadOnlyList<string>> answers, string source)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        ArgumentNullException.ThrowIfNull(answers);
        var read = new List<(NamedQuantity Quantity, string[,] Given, bool Transposed)>();
        foreach ((string name, IReadOnlyList<string> texts) in answers)
        {
            NamedQuantity quantity = explanation.Find(name)
                ?? throw new InvalidDataException($"{source}: unknown quantity \"{name}\"; this network has {string.Join(", ", explanation.Quantities.Select(q => q.Name))}");
            Matrix m = quantity.Value;
            if (texts.Count != m.Count)
            {
                throw new InvalidDataException($"{source}: {name} has {texts.Count} entries but the step gives {m.Count} ({m.Rows}×{m.Columns})");
            }
            var cells = new string[m.Rows, m.Columns];
            for (int i = 0; i < texts.Count; i++)
            {
                string text = texts[i].Trim();
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                {
                    throw new InvalidDataException($"{source}: {name}[{i + 1}] is \"{texts[i]}\", not a number");
                }
                cells[i / m.Columns, i % m.Columns] = text;
            }
            read.Add((quantity, cells, false));
        }
        return Judge(explanation, read, source);
    }

    // Each answer's verdicts: entry by entry against the step, and as a whole against what the learner's own earlier
    // answers give (inherited or new), with hints for a new error.
    private static CheckReport Judge(Explanation explanation, List<(NamedQuantity Quantity, string[,] Given, bool Transposed)> read, string source)
    {
        // The learner's values as numbers, in the step's shapes: what their later answers are recomputed from.
        var numbers = read.ToDictionary(x => x.Quantity.Name, x => Parse(x.Given), StringComparer.Ordinal);
        var results = new List<CheckResult>();
        foreach ((NamedQuantity quantity, string[,] given, bool transposed) in read)
        {
            var entries = new List<EntryVerdict>();
            var decimals = new List<int>();
            for (int r = 0; r < quantity.Value.Rows; r++)
            {
                for (int c = 0; c < quantity.Value.Columns; c++)
                {
                    double exact = quantity.Value[r, c];
                    entries.Add(new EntryVerdict(r, c, given[r, c], exact, Agrees(given[r, c], exact)));
                    decimals.Add(DecimalsOf(given[r, c]));
                }
            }
            Matrix answer = numbers[quantity.Name];
            Matrix? consistent = AnswerTutor.Consistent(explanation, quantity.Name, numbers);
            bool wrong = entries.Any(v => !v.Agrees);
            bool inherited = wrong && consistent is not null && Inherited(entries, consistent, decimals);
            var hints = new List<AnswerTutor.Hint>();
            if (transposed)
            {
                hints.Add(AnswerTutor.Hint.Transposed);
            }
            if (wrong && !inherited)
            {
                hints.AddRange(AnswerTutor.Hints(explanation, quantity.Name, answer, decimals, consistent ?? quantity.Value, numbers).Where(h => !hints.Contains(h)));
            }
            results.Add(new CheckResult(quantity.Name, quantity.Value, entries, consistent, inherited, hints));
        }
        if (results.Count == 0)
        {
            throw new InvalidDataException($"{source}: no answers to check; give at least one quantity, e.g. {{\"z2\": [0.7, 1.6]}}");
        }
        var order = explanation.Quantities.Select((q, i) => (q.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        return new CheckReport(source, [.. results.OrderBy(r => order[r.Name])], explanation.LearningRate, explanation.BatchSize);
    }

    /// <summary>
    /// True when <paramref name="exact"/>, rounded to the decimals written in <paramref name="given"/>, equals it
    /// (or the two are the same double).
    /// </summary>
    public static bool Agrees(string given, double exact)
    {
        double value = double.Parse(given, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (value == exact)
        {
            return true;
        }
        int decimals = DecimalsOf(given);
        if (decimals > 20
            || !decimal.TryParse(given, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal g)
            || !decimal.TryParse(exact.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out decimal x))
        {
            // Outside decimal's range: half a unit in the last place written.
            return Math.Abs(value - exact) <= 0.5 * Math.Pow(10, -decimals) * (1 + 1e-12);
        }
        return Math.Round(x, decimals, MidpointRounding.AwayFromZero) == g;
    }

    /// <summary>Decimals written in a JSON number: "0.0334" → 4, "1.5e-3" → 4, "12" → 0.</summary>
    public static int DecimalsOf(string number)
    {
        string text = number.Trim();
        int exponent = 0;
        int e = text.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }
        int point = text.IndexOf('.', StringComparison.Ordinal);
        int fraction = point < 0 ? 0 : text.Length - point - 1;
        return Math.Max(0, fraction - exponent);
    }

    /// <summary>
    /// Whether a wrong answer follows from the learner's earlier ones: each entry agrees with the recomputed value at
    /// the decimals written, or, where the earlier error moved the value by more than that, lies within the rounding
    /// the learner's earlier values carry.
    /// </summary>
    private static bool Inherited(IReadOnlyList<EntryVerdict> entries, Matrix consistent, IReadOnlyList<int> decimals)
    {
        for (int i = 0; i < entries.Count; i++)
        {
            EntryVerdict v = entries[i];
            double c = consistent[v.Row, v.Column];
            double unit = Math.Pow(10, -decimals[i]);
            bool moved = Math.Abs(c - v.Exact) > unit;
            double given = double.Parse(v.Given, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (!Agrees(v.Given, c) && !(moved && Math.Abs(given - c) <= unit + 1e-3 * Math.Abs(c)))
            {
                return false;
            }
        }
        return !entries.All(v => v.Agrees);
    }

    private static Matrix Parse(string[,] cells)
    {
        int rows = cells.GetLength(0);
        int columns = cells.GetLength(1);
        var values = new double[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                values[r * columns + c] = double.Parse(cells[r, c], NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }
        return new Matrix(rows, columns, values);
    }

    // Reads a number, a list or a list of rows into the quantity's shape, as raw number texts; a matrix written
    // transposed (columns × rows, when those differ) is read back into the step's shape and flagged.
    private static (string[,] Cells, bool Transposed) ReadShape(JsonElement value, NamedQuantity quantity, string source)
    {
        Matrix m = quantity.Value;
        string expected = quantity.Name == "loss" ? "a number" : m.Columns == 1
            ? $"a list of {m.Rows} numbers" : $"{m.Rows} rows of {m.Columns} numbers";
        var cells = new string[m.Rows, m.Columns];
        InvalidDataException Mismatch(string actual) => new($"{source}: {quantity.Name} is {actual} but the step gives {expected} ({m.Rows}×{m.Columns})");

        if (value.ValueKind == JsonValueKind.Number)
        {
            if (m.Count != 1)
            {
                throw Mismatch("a single number");
            }
            cells[0, 0] = value.GetRawText();
            return (cells, false);
        }
        if (quantity.Name == "loss" && value.ValueKind == JsonValueKind.Array)
        {
            throw Mismatch($"a list of {value.GetArrayLength()}");
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{source}: {quantity.Name} is {value.ValueKind.ToString().ToLowerInvariant()}; expected {expected}");
        }
        JsonElement[] items = [.. value.EnumerateArray()];
        bool nested = items.Length > 0 && items.All(i => i.ValueKind == JsonValueKind.Array);
        if (!nested)
        {
            // A flat list: a column vector, or a single row.
            bool fits = (m.Columns == 1 && items.Length == m.Rows) || (m.Rows == 1 && items.Length == m.Columns);
            if (!fits)
            {
                throw Mismatch($"a list of {items.Length}");
            }
            for (int i = 0; i < items.Length; i++)
            {
                cells[m.Columns == 1 ? i : 0, m.Columns == 1 ? 0 : i] = NumberText(items[i], quantity.Name, $"[{i + 1}]", source);
            }
            return (cells, false);
        }
        int[] lengths = [.. items.Select(i => i.GetArrayLength())];
        bool transposed = m.Rows != m.Columns && m.Count > 1 && items.Length == m.Columns && lengths.All(n => n == m.Rows);
        if (transposed)
        {
            for (int r = 0; r < m.Columns; r++)
            {
                int c = 0;
                foreach (JsonElement item in items[r].EnumerateArray())
                {
                    cells[c, r] = NumberText(item, quantity.Name, $"[{r + 1},{c + 1}]", source);
                    c++;
                }
            }
            return (cells, true);
        }
        if (items.Length != m.Rows || lengths.Any(n => n != m.Columns))
        {
            string actual = lengths.Distinct().Count() == 1 ? $"{items.Length} rows of {lengths[0]}" : $"{items.Length} rows of lengths {string.Join(",", lengths)}";
            throw Mismatch(actual);
        }
        for (int r = 0; r < m.Rows; r++)
        {
            int c = 0;
            foreach (JsonElement item in items[r].EnumerateArray())
            {
                cells[r, c] = NumberText(item, quantity.Name, $"[{r + 1},{c + 1}]", source);
                c++;
            }
        }
        return (cells, false);
    }

    private static string NumberText(JsonElement item, string name, string where, string source)
    {
        if (item.ValueKind != JsonValueKind.Number || !double.IsFinite(item.GetDouble()))
        {
            throw new InvalidDataException($"{source}: {name}{where} is {item.GetRawText()}, not a number");
        }
        return item.GetRawText();
    }
}
