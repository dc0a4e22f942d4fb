// The live page of `backprop serve`. Every edit goes to the server, which runs the step on the engine (the code of
// `backprop explain`) and answers with the explanation's HTML, the numbers and the command line; this script only
// reads the form, shows the answer and asks for the chain rule of a clicked edge. It computes no part of the step.
'use strict';
(() => {
  const $ = id => document.getElementById(id);
  const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky-relu', 'identity'];
  let current = JSON.parse($('live-state').textContent);
  let shape = '';
  let chainWeight = null;
  let sequence = 0;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined) node.setAttribute(key, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  // A typed number as JSON takes it: an empty or unreadable field becomes null, which the server refuses by name.
  const number = text => (text.trim() === '' || !Number.isFinite(Number(text)) ? null : Number(text));

  const numberField = (name, value, label) =>
    el('input', { type: 'text', inputmode: 'decimal', size: '9', value: String(value), 'data-name': name, 'aria-label': label });

  function select(id, options, value, label) {
    const s = el('select', { id, 'aria-label': label });
    for (const o of options) s.append(el('option', o === value ? { value: o, selected: '' } : { value: o }, o));
    return s;
  }

  function labelled(text, control) {
    return el('label', { class: 'live-field' }, el('span', {}, text), control);
  }

  function matrixTable(caption, rows, nameOf, bias, biasName) {
    const table = el('table', { class: 'live-matrix' }, el('caption', {}, caption));
    rows.forEach((row, r) => {
      const tr = el('tr');
      row.forEach((v, c) => tr.append(el('td', {}, numberField(nameOf(r, c), v, nameOf(r, c)))));
      if (bias) tr.append(el('td', { class: 'live-bias' }, numberField(biasName(r), bias[r], biasName(r))));
      table.append(tr);
    });
    return table;
  }

  function buildForm(state) {
    const form = $('live-form');
    form.replaceChildren();
    const L = state.layers.length;
    const net = el('fieldset', {}, el('legend', {}, 'Network'));
    net.append(labelled('Layer sizes', el('input', { id: 'live-layers', type: 'text', size: '12', value: state.layers.join(','), 'aria-label': 'Layer sizes, input first' })));
    const hidden = L - 2;
    for (let h = 0; h < hidden; h++) {
      const a = state.activation.length === 1 ? state.activation[0] : state.activation[h];
      net.append(labelled(`Activation of layer ${h + 2}`, select(`live-activation-${h}`, ACTIVATIONS, a, `Activation of layer ${h + 2}`)));
    }
    net.append(labelled('Loss', select('live-loss', ['cross-entropy', 'mse'], state.loss, 'Loss')));
    if (state.loss === 'mse') {
      const out = state.outputActivation || state.activation[state.activation.length - 1];
      net.append(labelled(`Activation of layer ${L}`, select('live-output-activation', ACTIVATIONS, out, 'Output activation')));
    }
    net.append(labelled('η', el('input', { id: 'live-lr', type: 'text', inputmode: 'decimal', size: '6', value: String(state.lr), 'aria-label': 'Learning rate η' })));
    net.append(labelled('Decimals', el('input', { id: 'live-digits', type: 'number', min: '0', max: '17', value: String(state.digits), 'aria-label': 'Decimals shown' })));
    net.append(labelled('Language', select('live-lang', ['en', 'zh'], state.lang, 'Language')));
    form.append(net);

    const sample = el('fieldset', {}, el('legend', {}, 'Sample'));
    state.inputs.forEach((x, s) => {
      const n = state.inputs.length > 1 ? ` (sample ${s + 1})` : '';
      sample.append(matrixTable(`Input a1${n}`, [x], (r, c) => `x[${s + 1},${c + 1}]`));
      sample.append(matrixTable(`Target t${n}`, [state.targets[s]], (r, c) => `t[${s + 1},${c + 1}]`));
    });
    form.append(sample);

    const params = el('fieldset', {}, el('legend', {}, 'Initial parameters (W, then b)'));
    state.weights.forEach((w, l) => {
      params.append(matrixTable(`W${l + 1} | b${l + 1}`, w, (r, c) => `W${l + 1}[${r + 1},${c + 1}]`, state.biases[l], r => `b${l + 1}[${r + 1}]`));
    });
    form.append(params);
    shape = shapeOf(state);
  }

  const shapeOf = s => JSON.stringify([s.layers, s.loss, s.inputs.length, s.activation.length]);

  const field = name => document.querySelector(`#live-form [data-name="${CSS.escape(name)}"]`);

  // The form as a state: the same shapes as the state last answered, every value as typed.
  function collect() {
    const s = current.state;
    const L = s.layers.length;
    const activation = [];
    for (let h = 0; h < L - 2; h++) activation.push($(`live-activation-${h}`).value);
    const state = {
      layers: s.layers,
      activation: activation.length > 0 ? activation : s.activation,
      loss: $('live-loss').value,
      lr: number($('live-lr').value),
      digits: Number.parseInt($('live-digits').value, 10),
      lang: $('live-lang').value,
      weights: s.weights.map((w, l) => w.map((row, r) => row.map((_, c) => number(field(`W${l + 1}[${r + 1},${c + 1}]`).value)))),
      biases: s.biases.map((b, l) => b.map((_, r) => number(field(`b${l + 1}[${r + 1}]`).value))),
      inputs: s.inputs.map((x, i) => x.map((_, c) => number(field(`x[${i + 1},${c + 1}]`).value))),
      targets: s.targets.map((t, i) => t.map((_, c) => number(field(`t[${i + 1},${c + 1}]`).value))),
    };
    if (state.loss === 'mse' && $('live-output-activation')) state.outputActivation = $('live-output-activation').value;
    if (state.loss !== s.loss) delete state.outputActivation;
    if (s.seed !== undefined && s.seed !== null) state.seed = s.seed;
    return state;
  }

  // New layer sizes: the parameters are left to the server (explain's starting values); the sample keeps what fits.
  function resized() {
    const old = current.state;
    const layers = $('live-layers').value.split(',').map(v => Number(v.trim()));
    const first = layers[0];
    const last = layers[layers.length - 1];
    const fit = (v, n, fill) => Array.from({ length: Number.isInteger(n) && n > 0 && n <= 8 ? n : 0 }, (_, i) => (i < v.length ? v[i] : fill(i)));
    const loss = $('live-loss').value;
    const state = {
      layers,
      activation: [$('live-activation-0') ? $('live-activation-0').value : old.activation[0]],
      loss,
      lr: number($('live-lr').value),
      digits: Number.parseInt($('live-digits').value, 10),
      lang: $('live-lang').value,
      inputs: old.inputs.map(x => fit(x, first, () => 0)),
      targets: old.targets.map(t => {
        const k = Math.max(0, t.indexOf(Math.max(...t)));
        return last === t.length ? t : fit([], last, i => (i === (k < last ? k : 0) ? 1 : 0));
      }),
    };
    if (old.seed !== undefined && old.seed !== null) state.seed = old.seed;
    return state;
  }

  function showOutputs(result) {
    const L = result.state.layers.length;
    const box = $('live-outputs');
    box.replaceChildren();
    for (const name of [`a${L}`, 'loss']) {
      const q = result.quantities.find(item => item.name === name);
      if (!q) continue;
      const line = el('p', { class: 'live-quantity' }, el('span', { class: 'live-name' }, name === 'loss' ? 'loss L = ' : `output a${L} = `));
      q.rows.forEach((row, r) => row.forEach((v, c) => {
        if (r > 0 || c > 0) line.append(', ');
        line.append(el('span', { class: 'live-value', 'data-name': name, 'data-index': `${r + 1},${c + 1}` }, String(v)));
      }));
      box.append(line);
    }
  }

  function show(result, replaceHtml) {
    current = result;
    if (replaceHtml) {
      $('explanation').innerHTML = result.html;
      // Scripts put in by innerHTML do not run: the step-through's is made again so that it does (the page's policy
      // allows exactly its text).
      for (const old of $('explanation').querySelectorAll('script:not([type])')) {
        const script = document.createElement('script');
        script.textContent = old.textContent;
        old.replaceWith(script);
      }
    }
    $('live-command').textContent = result.command;
    showOutputs(result);
    if (shapeOf(result.state) !== shape || replaceHtml === 'rebuild') buildForm(result.state);
    document.documentElement.lang = result.state.lang === 'zh' ? 'zh-Hans' : 'en';
  }

  function status(text, bad) {
    const s = $('live-status');
    s.textContent = text;
    s.className = bad ? 'live-status bad' : 'live-status';
  }

  async function send(state, rebuild) {
    const mine = ++sequence;
    status('Computing…', false);
    try {
      const response = await fetch('/api/explain', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(state) });
      const answer = await response.json();
      if (mine !== sequence) return;
      if (!response.ok) {
        status(answer.error || `error ${response.status}`, true);
        return;
      }
      show(answer, rebuild ? 'rebuild' : true);
      status('', false);
      document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
      if (chainWeight) await chain(chainWeight);
    } catch (e) {
      if (mine === sequence) status(`The server did not answer (${e.message}); is backprop serve still running?`, true);
    }
  }

  async function chain(weight) {
    const box = $('live-chain');
    const response = await fetch(`/api/chain?weight=${encodeURIComponent(weight)}`);
    const answer = await response.json();
    if (!response.ok) {
      status(answer.error || `error ${response.status}`, true);
      return;
    }
    chainWeight = weight;
    const close = el('button', { type: 'button', class: 'live-close', 'aria-label': 'Close the chain rule' }, '×');
    close.addEventListener('click', () => { chainWeight = null; box.hidden = true; box.replaceChildren(); });
    const body = el('div', { class: 'live-chain-body' });
    body.innerHTML = answer.html;
    box.replaceChildren(close, body, el('pre', { class: 'live-command' }, answer.command));
    box.dataset.weight = answer.weight;
    box.hidden = false;
    document.querySelectorAll('#live-form input.chosen').forEach(i => i.classList.remove('chosen'));
    const input = field(weight);
    if (input) input.classList.add('chosen');
  }

  $('live-form').addEventListener('change', event => {
    if (event.target.id === 'live-layers') send(resized(), true);
    else send(collect(), event.target.id === 'live-loss');
  });
  $('live-form').addEventListener('submit', event => event.preventDefault());
  $('explanation').addEventListener('click', event => {
    const edge = event.target.closest('g.edge');
    const title = edge && edge.querySelector('title');
    if (title) chain(title.textContent.split(':')[0].trim()).then(() => $('live-chain').scrollIntoView({ block: 'nearest' }));
  });

  show(current, false);
  document.body.dataset.ready = 'true';
})();
