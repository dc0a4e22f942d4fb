// Renders every formula of Markdown files written by `backprop explain --format markdown` with KaTeX and with
// MathJax (the TeX input GitHub's math uses), and fails on any formula either cannot parse.
//
//   npm ci --prefix tests/js
//   node tests/js/render-math.cjs step.md [more.md ...]
//
// Formulas are $$ … $$ display blocks (the renderer puts $$ on lines of their own) and $ … $ inline formulas.
// KaTeX runs with throwOnError and strict "error"; MathJax with every package a browser's MathJax would load on
// demand except noundefined and noerrors, so that an unknown command is an error rather than red text. Prints one line per failure, then "N formulas: K KaTeX, M MathJax failures".
'use strict';
const fs = require('fs');
const katex = require('katex');
const { mathjax } = require('mathjax-full/js/mathjax.js');
const { TeX } = require('mathjax-full/js/input/tex.js');
const { SVG } = require('mathjax-full/js/output/svg.js');
const { liteAdaptor } = require('mathjax-full/js/adaptors/liteAdaptor.js');
const { RegisterHTMLHandler } = require('mathjax-full/js/handlers/html.js');
const { AllPackages } = require('mathjax-full/js/input/tex/AllPackages.js');

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);
// What a browser's MathJax loads on demand (\boldsymbol …), but no package that turns an error into red text.
const packages = AllPackages.filter(p => p !== 'noundefined' && p !== 'noerrors');
const tex = new TeX({ packages, formatError: (_jax, error) => { throw error; } });
const document = mathjax.document('', { InputJax: tex, OutputJax: new SVG({ fontCache: 'none' }) });

function formulas(markdown) {
  const found = [];
  const rest = markdown.replace(/^\$\$\n([\s\S]*?)\n\$\$$/gm, (_, body) => { found.push({ tex: body, display: true }); return ' '; });
  for (const line of rest.split('\n')) {
    for (const m of line.matchAll(/\$([^$]+)\$/g)) {
      found.push({ tex: m[1], display: false });
    }
  }
  return found;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node render-math.cjs FILE.md ...');
  process.exit(2);
}
let count = 0, katexFailures = 0, mathjaxFailures = 0;
for (const file of files) {
  for (const { tex: formula, display } of formulas(fs.readFileSync(file, 'utf8'))) {
    count++;
    const where = `${file}: ${display ? 'display' : 'inline'} formula ${JSON.stringify(formula.length > 120 ? formula.slice(0, 120) + '…' : formula)}`;
    try {
      katex.renderToString(formula, { displayMode: display, throwOnError: true, strict: 'error' });
    } catch (e) {
      katexFailures++;
      console.log(`KaTeX: ${where}: ${e.message}`);
    }
    try {
      document.convert(formula, { display });
    } catch (e) {
      mathjaxFailures++;
      console.log(`MathJax: ${where}: ${e.message}`);
    }
  }
}
console.log(`${count} formulas: ${katexFailures} KaTeX, ${mathjaxFailures} MathJax failures`);
process.exit(count > 0 && katexFailures === 0 && mathjaxFailures === 0 ? 0 : 1);
