using System.Globalization;
using System.Net;
using System.Text;

namespace Backprop.Explain;

/// <summary>
/// The quiz's form in HTML: a grid of blanks per quantity (its rows and columns as in the article's notation), the
/// engine's values in a JSON block of the page, and a small script that marks each filled-in value right or wrong
/// against them (within half a unit of the last decimal written, as <c>explain --check</c> rounds) and writes the
/// values as an answers file for <c>explain --check</c>. The script recomputes nothing: whether an error is new or
/// inherited needs the step's formulas, which only the engine runs (<see cref="AnswerChecker"/>).
/// </summary>
internal static class QuizForm
{
    public static void Render(DocQuiz quiz, StringBuilder sb)
    {
        QuizLabels l = quiz.Labels;
        sb.Append("<form class=\"quiz\" id=\"quiz\" autocomplete=\"off\"")
            .Append(" data-right=\"").Append(Encode(l.Right)).Append('"')
            .Append(" data-wrong=\"").Append(Encode(l.Wrong)).Append('"')
            .Append(" data-summary=\"").Append(Encode(l.Summary)).Append("\">\n");
        sb.Append("<noscript><p class=\"remark\">").Append(Encode(l.NoScript)).Append("</p></noscript>\n");
        foreach (QuizBlank blank in quiz.Blanks)
        {
            Matrix m = blank.Exact;
            sb.Append(CultureInfo.InvariantCulture, $"<fieldset data-q=\"{Encode(blank.Name)}\" data-rows=\"{m.Rows}\" data-columns=\"{m.Columns}\"><legend>");
            sb.Append(MathMlWriter.Inline(blank.Symbol)).Append(" <code>").Append(Encode(blank.Name)).Append("</code></legend>");
            sb.Append(CultureInfo.InvariantCulture, $"<div class=\"table\"><div class=\"cells\" style=\"grid-template-columns: repeat({m.Columns}, minmax(5rem, 9rem))\">");
            for (int r = 0; r < m.Rows; r++)
            {
                for (int c = 0; c < m.Columns; c++)
                {
                    string entry = $"{blank.Name}[{r + 1},{c + 1}]";
                    sb.Append("<input type=\"text\" spellcheck=\"false\" aria-label=\"").Append(Encode(entry)).Append("\" name=\"").Append(Encode(entry)).Append("\">");
                }
            }
            sb.Append("</div></div><output></output></fieldset>\n");
        }
        sb.Append("<p><button type=\"submit\">").Append(Encode(l.Check)).Append("</button> <output class=\"quiz-summary\" aria-live=\"polite\"></output></p>\n");
        sb.Append("<p>").Append(Encode(l.Json)).Append("</p>\n<textarea class=\"quiz-json\" readonly aria-label=\"answers.json\"></textarea>\n");
        sb.Append("</form>\n");
        // The engine's values, row by row per quantity, to the last bit: the answers are in the page.
        sb.Append("<script type=\"application/json\" id=\"quiz-answers\">{");
        sb.AppendJoin(", ", quiz.Blanks.Select(b => $"\"{b.Name}\": [{string.Join(", ", b.Exact.Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]"));
        sb.Append("}</script>\n<script>").Append(Script).Append("</script>\n");
    }

    // Right or wrong only, by the checker's rounding rule; the answers file keeps each number as written.
    private const string Script = """
        (() => {
          const answers = JSON.parse(document.getElementById('quiz-answers').textContent);
          const form = document.getElementById('quiz');
          const number = /^[+-]?(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?$/;
          const json = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
          const decimals = text => { const m = number.exec(text); if (!m) { return null; } const point = m[1].indexOf('.'); return Math.max(0, (point < 0 ? 0 : m[1].length - point - 1) - Number(m[2] || 0)); };
          const agrees = (text, exact) => { const d = decimals(text); const v = Number(text); return d !== null && Number.isFinite(v) && (v === exact || Math.abs(v - exact) <= 0.5 * Math.pow(10, -d) * (1 + 1e-9)); };
          const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, k) => String(values[k]));
          form.addEventListener('submit', event => {
            event.preventDefault();
            let right = 0, filled = 0;
            const file = [];
            for (const set of form.querySelectorAll('fieldset[data-q]')) {
              const name = set.dataset.q, rows = Number(set.dataset.rows), columns = Number(set.dataset.columns);
              const inputs = [...set.querySelectorAll('input')];
              let given = 0, wrong = 0;
              inputs.forEach((input, i) => {
                const text = input.value.trim();
                input.classList.remove('right', 'wrong');
                if (!text) { return; }
                given++; filled++;
                const ok = agrees(text, answers[name][i]);
                input.classList.add(ok ? 'right' : 'wrong');
                if (ok) { right++; } else { wrong++; }
              });
              const verdict = set.querySelector('output');
              verdict.className = given === 0 ? '' : wrong > 0 ? 'wrong' : 'right';
              verdict.textContent = given === 0 ? '' : wrong > 0 ? fill(form.dataset.wrong, { wrong, count: given }) : form.dataset.right;
              const texts = inputs.map(i => i.value.trim());
              if (texts.every(t => json.test(t))) {
                const row = r => texts.slice(r * columns, (r + 1) * columns);
                const value = rows * columns === 1 && name === 'loss' ? texts[0]
                  : columns === 1 ? '[' + texts.join(', ') + ']'
                  : '[' + Array.from({ length: rows }, (_, r) => '[' + row(r).join(', ') + ']').join(', ') + ']';
                file.push('  ' + JSON.stringify(name) + ': ' + value);
              }
            }
            form.querySelector('.quiz-summary').textContent = fill(form.dataset.summary, { right, filled });
            form.querySelector('.quiz-json').value = '{\n' + file.join(',\n') + '\n}\n';
          });
        })();
        """;

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
