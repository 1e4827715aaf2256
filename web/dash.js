// The MemeOps dashboard: Overview, Runs and a page per run, Versions, Confusion matrices, drawn
// from /v1/dash/* JSON, and Search, drawn from the API's /v1/search.
//
// Every piece of archive text (captions, commit messages, run names, repositories) is user text:
// it only ever reaches the page through textContent and attribute values, never as markup. The
// charts are a few SVG elements drawn here (no library, no build step): a line per metric, a dot
// per epoch, a marker per meme, with hover and keyboard read-outs, series toggles, a log scale, zoom
// and pan.
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';
const POLL_MS = 1000;       // live updates when the page cannot stream: a new event shows within about a second
const REDRAW_MS = 200;      // a burst of streamed events redraws the page once, this long after its first
const COLOURS = ['#3554d1', '#c2410c', '#1b7f3b', '#7c3aed', '#0e7490', '#b3261e', '#8a5a00', '#475569'];
const chartState = new Map(); // group title → {hidden: Set of series, log, tableOpen, zoom}, kept across redraws

// --- building elements ------------------------------------------------------------------

// An HTML element; strings among `children` become text nodes (never markup).
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  for (const child of children.flat(Infinity)) if (child) node.append(child);
  return node;
}

function setAttrs(node, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
}

function svgTitle(text) {
  const title = document.createElementNS(SVG_NS, 'title');
  title.textContent = text;
  return title;
}

// --- formatting -----------------------------------------------------------------------

function when(ms) {
  if (!ms) return '';
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

function number(value) {
  if (typeof value !== 'number') return String(value); // "nan", "inf", "-inf"
  if (value !== 0 && (Math.abs(value) < 0.001 || Math.abs(value) >= 1e6)) return value.toExponential(3);
  return String(Math.round(value * 10000) / 10000);
}

function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function metricsText(metrics) {
  return Object.entries(metrics || {}).map(([name, value]) => `${name} ${number(value)}`).join(' · ');
}

function status(word) {
  return el('span', {class: `status ${word}`}, word);
}

function runLink(name) {
  return el('a', {href: '#/runs/' + encodeURIComponent(name)}, name);
}

function versionLink(tag) {
  return el('a', {href: '#/versions/' + encodeURIComponent(tag)}, el('code', {}, tag));
}

function table(caption, headings, rows) {
  return el('div', {class: 'scroll'},
    el('table', {},
      el('caption', {}, caption),
      el('thead', {}, el('tr', {}, headings.map((h) => el('th', {scope: 'col'}, h)))),
      el('tbody', {}, rows.length ? rows.map((cells) => el('tr', {}, cells))
        : el('tr', {}, el('td', {colspan: headings.length, class: 'muted'}, 'Nothing yet.')))));
}

function td(content, cls) {
  return el('td', cls ? {class: cls} : {}, content);
}

// --- talking to serve -----------------------------------------------------------------

async function api(path) {
  const res = await fetch(path, {credentials: 'same-origin', headers: {Accept: 'application/json'}});
  if (res.status === 401) {
    location.assign('/login');
    throw new Error('login required');
  }
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
  return body;
}

// --- pages ----------------------------------------------------------------------------

// A caption as the chat shows it: its lines kept, and a ``` fenced block (a confusion matrix, a
// traceback) as preformatted text.
function captionParts(text) {
  return text.split('```').map((part, i) => (i % 2 ? el('pre', {class: 'caption-block'}, part.replace(/^\n+|\n+$/g, '')) : part));
}

// The caption's words without its fenced blocks: the second language repeats the same block.
function captionWords(text) {
  return text.split('```').filter((_, i) => i % 2 === 0).join('').trim();
}

function memeCard(meme) {
  const e = meme.entry;
  const subject = [e.kind, e.repo, e.branch, e.run && `run ${e.run}`, e.tag, when(meme.created)].filter(Boolean).join(' · ');
  return el('li', {class: 'card meme-card'},
    el('h3', {}, el('span', {class: `badge p${meme.priority}`}, `P${meme.priority}`), ' ', meme.reaction),
    el('div', {class: 'caption', lang: 'zh'}, ...captionParts(meme.caption)),
    meme.caption_en !== meme.caption ? el('p', {class: 'caption-en', lang: 'en'}, captionWords(meme.caption_en)) : null,
    el('p', {class: 'subject'}, e.run ? [runLink(e.run), ' · ', subject] : subject));
}

function ciTable(board) {
  return table('Last status per repository, branch and pipeline', ['Repository', 'Branch', 'Pipeline', 'Status', 'When'],
    board.map((c) => [td(c.repo), td(c.branch, 'nowrap'), td(c.pipeline, 'nowrap'), td(status(c.outcome === 'other' ? c.status : c.outcome)),
      td(when(c.time), 'num')]));
}

function versionsTable(versions) {
  return table('Newest model versions', ['Tag', 'Name', 'Docker tag', 'Commit', 'Run', 'Metrics'],
    versions.map((v) => [td(v.tag ? versionLink(v.tag) : ''), td(v.display), td(el('code', {}, v.docker_tag || '')),
      td(el('code', {}, (v.commit || '').slice(0, 10))), td(v.run ? runLink(v.run) : ''), td(metricsText(v.metrics))]));
}

function healthTable(health) {
  const rows = (health.destinations || []).map((d) => [td(d.name || d.key), td(d.type),
    td(status(d.state)), td(String(d.pending), 'num'), td(d.last_error || '')]);
  const pending = health.outbox_pending === undefined ? 'unknown' : String(health.outbox_pending);
  return [el('p', {}, 'Outbox: ', el('strong', {}, pending), ' waiting to be sent.'),
    table('Destinations', ['Destination', 'Type', 'State', 'Pending', 'Last error'], rows)];
}

function activityTable(entries) {
  return table('Newest entries of the archive', ['When', 'Kind', 'Repository', 'Branch', 'Summary'],
    entries.map((e) => [td(when(e.time), 'num'), td(e.kind, 'nowrap'), td(e.repo || ''), td(e.branch || '', 'nowrap'),
      td(e.run && e.kind === 'training' ? [runLink(e.run), ' ', e.summary || ''] : e.summary || '')]));
}

async function overviewPage() {
  const data = await api('/v1/dash/overview');
  document.getElementById('logout').hidden = !data.login;
  return [el('h1', {}, 'Overview'),
    el('section', {'aria-labelledby': 'memes-h'}, el('h2', {id: 'memes-h'}, 'Newest memes'),
      data.memes.length ? el('ul', {class: 'cards'}, data.memes.map(memeCard)) : el('p', {class: 'muted'}, 'No memes yet.')),
    el('div', {class: 'grid2'},
      el('section', {'aria-labelledby': 'ci-h'}, el('h2', {id: 'ci-h'}, 'CI board'), ciTable(data.ci)),
      el('section', {'aria-labelledby': 'health-h'}, el('h2', {id: 'health-h'}, 'Outbox and destinations'),
        healthTable(data.health))),
    el('section', {'aria-labelledby': 'versions-h'}, el('h2', {id: 'versions-h'}, 'Latest versions'),
      versionsTable(data.versions)),
    el('section', {'aria-labelledby': 'activity-h'}, el('h2', {id: 'activity-h'}, 'Recent activity'),
      activityTable(data.activity))];
}

async function runsPage() {
  const data = await api('/v1/dash/runs');
  return [el('h1', {}, 'Training runs'),
    table('Runs, newest first', ['Run', 'Status', 'Epochs', 'Last metrics', 'Version', 'Updated'],
      data.runs.map((r) => [td(runLink(r.run)), td(status(r.status)), td(String(r.epochs), 'num'),
        td(metricsText(r.metrics)), td(r.version ? versionLink(r.version) : ''), td(when(r.time), 'num')]))];
}

async function runPage(name) {
  const run = await api('/v1/dash/runs/' + encodeURIComponent(name));
  const groups = metricGroups(run.epochs);
  return [el('h1', {}, 'Run ', el('span', {class: 'run-name'}, run.run)),
    el('p', {}, status(run.status), ` · ${run.epochs.length} epochs · ${run.memes.length} memes`,
      run.repo ? ` · ${run.repo}` : '', run.branch ? ` · ${run.branch}` : '',
      run.version ? [' · version ', versionLink(run.version)] : ''),
    groups.length ? groups.map((g) => chart(g, run)) : el('p', {class: 'muted'}, 'No epochs archived yet.'),
    el('section', {'aria-labelledby': 'run-memes-h'}, el('h2', {id: 'run-memes-h'}, 'Memes of this run'),
      table('Memes by epoch', ['Epoch', 'Reaction', 'Caption', 'When'],
        run.memes.map((m) => [td(m.epoch === null ? '—' : String(m.epoch), 'num'), td(m.reaction, 'nowrap'),
          td(m.caption), td(when(m.created), 'num')])))];
}

// --- versions ---------------------------------------------------------------------------

const compareState = {a: null, b: null}; // the two compared versions' ids, kept across live redraws

function versionCard(v, focusTag) {
  return el('li', {class: 'card version-card', id: `version-${v.id}`, 'data-tag': v.tag || '',
    tabindex: v.tag === focusTag ? -1 : null, 'aria-current': v.tag === focusTag ? 'true' : null},
    el('h3', {}, el('code', {}, v.tag || ''), v.display && v.display !== v.tag ? [' ', el('span', {class: 'muted'}, v.display)] : ''),
    el('p', {class: 'subject'}, when(v.time), ' · commit ', el('code', {title: v.commit || ''}, (v.commit || '').slice(0, 7)),
      v.docker_tag ? [' · docker ', el('code', {}, v.docker_tag)] : '', v.run ? [' · run ', runLink(v.run)] : ''),
    v.summary ? el('p', {class: 'commit-message'}, v.summary) : null,
    el('p', {class: 'metrics'}, Object.keys(v.metrics).length ? metricsText(v.metrics) : 'no metrics'),
    v.memes.length ? el('ul', {class: 'version-memes'}, v.memes.map((m) => el('li', {},
      el('span', {class: `badge p${m.priority}`}, `P${m.priority}`), ' ', el('span', {lang: 'zh'}, m.caption),
      m.caption_en !== m.caption ? el('span', {class: 'caption-en', lang: 'en'}, ` — ${m.caption_en}`) : ''))) : null);
}

function timeline(repo, focusTag) {
  const name = repo.repo === null ? 'No repository' : repo.repo;
  const id = 'timeline-' + repo.versions[0].id;
  return el('section', {class: 'timeline', 'aria-labelledby': id},
    el('h2', {id}, name, el('span', {class: 'muted'}, ` · ${plural(repo.versions.length, 'version')}`)),
    el('ol', {class: 'versions', reversed: true}, repo.versions.map((v) => versionCard(v, focusTag))));
}

function versionLabel(v, repo) {
  return `${v.tag || v.id} · ${repo === null ? 'no repository' : repo} · ${when(v.time)}`;
}

// Differences read B − A: positive means B's value is larger.
function difference(a, b) {
  if (typeof a !== 'number' || typeof b !== 'number') return '';
  const d = b - a;
  return (d > 0 ? '+' : '') + number(d);
}

function compareTable(a, b) {
  const names = [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])].sort();
  return table(`Metrics of ${a.tag} (A) and ${b.tag} (B)`, ['Metric', `A: ${a.tag}`, `B: ${b.tag}`, 'B − A'],
    names.map((n) => [td(n), td(n in a.metrics ? number(a.metrics[n]) : '—', 'num'),
      td(n in b.metrics ? number(b.metrics[n]) : '—', 'num'), td(difference(a.metrics[n], b.metrics[n]), 'num')]));
}

function versionPicker(label, key, all, redraw) {
  return el('label', {}, label, ' ',
    el('select', {'data-compare': key, onchange: (ev) => { compareState[key] = Number(ev.target.value); redraw(); }},
      all.map(({v, repo}) => el('option', {value: v.id, selected: v.id === compareState[key]}, versionLabel(v, repo)))));
}

function comparison(all) {
  const box = el('section', {class: 'compare', 'aria-labelledby': 'compare-h'});
  const ids = all.map(({v}) => v.id);
  if (!ids.includes(compareState.a)) compareState.a = ids[Math.min(1, ids.length - 1)];
  if (!ids.includes(compareState.b)) compareState.b = ids[0];
  const redraw = () => {
    const a = all.find(({v}) => v.id === compareState.a).v, b = all.find(({v}) => v.id === compareState.b).v;
    box.replaceChildren(el('h2', {id: 'compare-h'}, 'Compare two versions'),
      el('div', {class: 'controls'}, versionPicker('A', 'a', all, redraw), versionPicker('B', 'b', all, redraw)),
      compareTable(a, b));
  };
  redraw();
  return box;
}

async function versionsPage(focusTag) {
  const data = await api('/v1/dash/versions');
  const all = data.repos.flatMap((r) => r.versions.map((v) => ({v, repo: r.repo})));
  if (!all.length) return [el('h1', {}, 'Versions'), el('p', {class: 'muted'}, 'No model versions yet.')];
  const focused = all.find(({v}) => v.tag === focusTag);
  if (focused) setTimeout(() => { const card = document.getElementById(`version-${focused.v.id}`); if (card) card.focus(); }, 0);
  return [el('h1', {}, 'Versions'), comparison(all), data.repos.map((r) => timeline(r, focusTag)),
    focusTag && !focused ? el('p', {class: 'error', role: 'alert'}, `No version ${focusTag} among the newest.`) : []];
}

// --- confusion matrices -----------------------------------------------------------------

const heatState = {normalised: false, colours: false}; // the page's two switches, kept across redraws

function percent(share) {
  return `${Math.round(share * 1000) / 10}%`;
}

function rowTotals(m) {
  return m.matrix.map((row) => row.reduce((a, b) => a + b, 0));
}

// What hovering or focusing a cell says: its count and share, and both classes' scores.
function cellText(m, r, c, totals) {
  const scores = (label) => {
    const s = m.per_class[label];
    return `${label}: precision ${number(s.precision)} · recall ${number(s.recall)} · F1 ${number(s.f1)} · support ${s.support}`;
  };
  const count = m.matrix[r][c];
  const lines = [`true ${m.labels[r]}, predicted ${m.labels[c]}: ${m.emoji[r][c]}`,
    `count ${count} · share ${percent(totals[r] ? count / totals[r] : 0)} of true ${m.labels[r]}`, scores(m.labels[r])];
  if (r !== c) lines.push(scores(m.labels[c]));
  return lines.join('\n');
}

// A heat colour: correct cells green, errors amber to red, deeper as their share of the row grows.
function heatColour(share, correct) {
  const hue = correct ? 140 : 40 - 40 * share;
  return `hsl(${hue} 70% ${95 - share * 40}%)`; // never so dark that the dark text is hard to read
}

function heatCell(m, r, c, totals, show) {
  const count = m.matrix[r][c], share = totals[r] ? count / totals[r] : 0;
  const value = heatState.normalised ? percent(share) : String(count);
  const text = cellText(m, r, c, totals);
  const cell = el('td', {class: 'heat-cell', tabindex: 0, 'data-row': r, 'data-col': c, 'aria-label': text.split('\n').join('; ')},
    heatState.colours ? null : el('span', {class: 'emoji', 'aria-hidden': 'true'}, m.emoji[r][c].split(' ')[0]), ' ',
    el('span', {class: 'value'}, value));
  if (heatState.colours) cell.style.background = heatColour(share, r === c);
  for (const type of ['mouseenter', 'focus']) cell.addEventListener(type, () => show(text));
  return cell;
}

// A class's heading: its full name (`side` "true" or "pred"), or at phone width its number in the
// key under the table, which names it in full; the full name stays its title and accessible name.
function heatHeading(scope, side, label, i) {
  const name = `${side === 'pred' ? 'predicted' : 'true'} ${label}`;
  return el('th', {scope, title: name, 'aria-label': name},
    el('span', {class: 'key', 'aria-hidden': 'true'}, String(i + 1)), el('span', {class: 'label'}, side, ' ', label));
}

function heatMap(m, show) {
  const totals = rowTotals(m);
  return el('div', {class: 'scroll heat-box'}, el('table', {class: 'heat'},
    el('caption', {}, `Rows: true class; columns: predicted class (${heatState.normalised ? 'share of the row' : 'counts'})`),
    el('thead', {}, el('tr', {}, el('td', {}), m.labels.map((l, c) => heatHeading('col', 'pred', l, c)))),
    el('tbody', {}, m.labels.map((l, r) => el('tr', {}, heatHeading('row', 'true', l, r),
      m.labels.map((_, c) => heatCell(m, r, c, totals, show)))))),
    el('ol', {class: 'heat-key', 'aria-label': 'Class numbers'}, m.labels.map((l, i) => el('li', {}, el('strong', {}, String(i + 1)), ' ', l))));
}

function scoresTable(m) {
  return table('Per-class scores', ['Class', 'Precision', 'Recall', 'F1', 'Support'],
    m.labels.map((l) => { const s = m.per_class[l];
      return [td(l), td(number(s.precision), 'num'), td(number(s.recall), 'num'), td(number(s.f1), 'num'), td(String(s.support), 'num')]; }));
}

function heatSwitches(redraw) {
  const toggle = (key, label) => el('label', {}, el('input', {type: 'checkbox', checked: heatState[key], 'data-heat-toggle': key,
    onchange: (ev) => { heatState[key] = ev.target.checked; redraw(); }}), label);
  return el('div', {class: 'controls', role: 'group', 'aria-label': 'How the cells are shown'},
    toggle('normalised', 'normalised (share of the true class)'), toggle('colours', 'heat colours instead of emoji'));
}

function matrixView(m) {
  const box = el('section', {class: 'chart matrix', 'aria-labelledby': 'matrix-h', 'data-entry': m.entry});
  const detail = el('p', {class: 'cell-detail', role: 'status', 'aria-live': 'polite'}, 'Hover or focus a cell for its count, share and scores.');
  const show = (text) => { detail.textContent = text; };
  const redraw = () => box.replaceChildren(
    el('h2', {id: 'matrix-h'}, 'Run ', m.run ? runLink(m.run) : '—', ` · accuracy ${number(m.accuracy)} · ${when(m.time)}`),
    heatSwitches(redraw), heatMap(m, show), detail, scoresTable(m));
  redraw();
  return box;
}

function confusionLink(entry, text) {
  return el('a', {href: '#/confusion/' + entry}, text);
}

async function confusionPage(entry) {
  const list = await api('/v1/dash/confusion');
  const chosen = entry || (list.matrices[0] && list.matrices[0].entry);
  const m = chosen ? await api('/v1/dash/confusion/' + encodeURIComponent(chosen)) : null;
  return [el('h1', {}, 'Confusion matrices'),
    m ? matrixView(m) : el('p', {class: 'muted'}, 'No confusion matrices archived yet.'),
    table('Archived matrices, newest first', ['When', 'Run', 'Repository', 'Classes', 'Accuracy'],
      list.matrices.map((x) => [td(confusionLink(x.entry, when(x.time)), 'num'), td(x.run || ''), td(x.repo || ''),
        td(String(x.classes), 'num'), td(number(x.accuracy), 'num')]))];
}

// --- search -------------------------------------------------------------------------------

// Where a search result has a page of its own: its version, its confusion matrix, its run.
function resultLink(e) {
  if (e.kind === 'version' && e.tag) return versionLink(e.tag);
  if (e.details && e.details.confusion) return confusionLink(e.id, 'confusion matrix');
  if (e.kind === 'training' && e.run) return runLink(e.run);
  return null;
}

function searchResult(e) {
  const link = resultLink(e);
  return el('li', {class: 'card search-result', 'data-entry': e.id},
    el('h3', {}, e.kind, ' · ', e.time.slice(0, 16).replace('T', ' '), ' UTC', link ? [' · ', link] : ''),
    e.repo || e.branch ? el('p', {class: 'subject'}, [e.repo, e.branch].filter(Boolean).join(' · ')) : null,
    e.summary ? el('p', {class: 'commit-message'}, e.summary) : null,
    e.memes.length ? el('ul', {class: 'version-memes'}, e.memes.map((m) => el('li', {lang: 'zh'}, m.caption))) : null);
}

function searchForm(q) {
  const input = el('input', {type: 'search', id: 'search-q', name: 'q', value: q, required: true, autocomplete: 'off'});
  return el('form', {class: 'search-form', role: 'search', onsubmit: (ev) => {
    ev.preventDefault();
    location.hash = '#/search?q=' + encodeURIComponent(input.value.trim());
  }}, el('label', {for: 'search-q'}, 'Search the archive (English or Chinese)'), el('div', {}, input, ' ', el('button', {type: 'submit'}, 'Search')));
}

async function searchPage(q) {
  const head = [el('h1', {}, 'Search'), searchForm(q)];
  if (!q) return head;
  const results = await api('/v1/search?q=' + encodeURIComponent(q) + '&limit=50');
  return [...head, el('p', {role: 'status'}, `${plural(results.length, 'result')} for “`, q, '”'),
    el('ul', {class: 'cards search-results'}, results.map(searchResult))];
}

// --- charts ---------------------------------------------------------------------------

// Metric names grouped by what they measure, so a loss and its validation share one chart.
function metricGroups(epochs) {
  const groups = new Map();
  for (const e of epochs) for (const name of Object.keys(e.metrics)) {
    const title = /loss/i.test(name) ? 'Loss' : /acc/i.test(name) ? 'Accuracy'
      : /^(lr|learning_rate)$/i.test(name) ? 'Learning rate' : name;
    if (!groups.has(title)) groups.set(title, new Set());
    groups.get(title).add(name);
  }
  return [...groups].map(([title, names]) => ({title, names: [...names].sort()}));
}

function stateOf(title) {
  if (!chartState.has(title)) chartState.set(title, {hidden: new Set(), log: false, tableOpen: false, zoom: null});
  return chartState.get(title);
}

// Geometry of one chart: scales from epochs and the visible series' finite values.
function layout(group, run, state) {
  // a narrower drawing on a phone, so its labels keep a readable size when scaled to the screen
  const W = window.innerWidth < 700 ? 400 : 720, H = 290, left = 56, right = 12, top = 16, bottom = 42;
  const epochs = run.epochs.map((e) => e.epoch);
  const values = [];
  for (const e of run.epochs) for (const name of group.names) {
    const v = e.metrics[name];
    if (!state.hidden.has(name) && typeof v === 'number' && isFinite(v) && (!state.log || v > 0)) values.push(v);
  }
  let lo = values.length ? Math.min(...values) : 0, hi = values.length ? Math.max(...values) : 1;
  if (state.log) { lo = Math.log10(lo); hi = Math.log10(hi); }
  if (lo === hi) { lo -= 0.5; hi += 0.5; }
  if (!state.log) {  // a linear axis starts and ends on round values, which are labelled
    const step = round_step(lo, hi);
    lo = Math.floor(lo / step + 1e-9) * step;
    hi = Math.ceil(hi / step - 1e-9) * step;
  }
  const e0 = Math.min(...epochs), e1 = Math.max(...epochs);
  const x = (epoch) => left + (e1 === e0 ? 0.5 : (epoch - e0) / (e1 - e0)) * (W - left - right);
  const y = (v) => top + (1 - ((state.log ? Math.log10(v) : v) - lo) / (hi - lo)) * (H - top - bottom);
  const plottable = (v) => typeof v === 'number' && isFinite(v) && (!state.log || v > 0);
  return {W, H, left, right, top, bottom, lo, hi, e0, e1, x, y, plottable};
}

// A round step (1, 2 or 5 times a power of ten) that cuts [lo, hi] into about four parts.
function round_step(lo, hi) {
  const rough = (hi - lo) / 4, power = Math.pow(10, Math.floor(Math.log10(rough)));
  return [1, 2, 5, 10].map((f) => f * power).find((s) => s >= rough);
}

// The values a linear axis is labelled at: multiples of round_step, so it reads 0.2, 0.4, 0.6
// rather than 0.2187, 0.4374.
function round_ticks(lo, hi) {
  const step = round_step(lo, hi);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function axes(g, state) {
  const ticks = [];
  const levels = state.log ? [0, 1, 2, 3, 4].map((i) => Math.pow(10, g.lo + (g.hi - g.lo) * i / 4)) : round_ticks(g.lo, g.hi);
  for (const v of levels) {
    const yy = g.y(v);
    ticks.push(svg('line', {x1: g.left, x2: g.W - g.right, y1: yy, y2: yy}));
    ticks.push(svg('text', {x: g.left - 6, y: yy + 4, 'text-anchor': 'end'}, document.createTextNode(number(Number(v.toPrecision(6))))));
  }
  for (const epoch of [g.e0, Math.round((g.e0 + g.e1) / 2), g.e1])
    ticks.push(svg('text', {x: g.x(epoch), y: g.H - g.bottom + 16, 'text-anchor': 'middle'}, document.createTextNode(String(epoch))));
  ticks.push(svg('text', {x: (g.left + g.W - g.right) / 2, y: g.H - 4, 'text-anchor': 'middle'}, document.createTextNode('epoch')));
  return svg('g', {class: 'axis', 'aria-hidden': 'true'}, ticks);
}

function seriesPaths(g, group, run, state) {
  return group.names.filter((name) => !state.hidden.has(name)).map((name) => {
    const colour = COLOURS[group.names.indexOf(name) % COLOURS.length];
    const points = run.epochs.filter((e) => g.plottable(e.metrics[name]));
    const d = points.map((e, i) => `${i ? 'L' : 'M'}${g.x(e.epoch).toFixed(1)},${g.y(e.metrics[name]).toFixed(1)}`).join('');
    return svg('g', {class: 'series-group', 'data-series': name},
      svg('path', {class: 'series', d, stroke: colour}),
      points.map((e) => svg('circle', {class: 'pt', cx: g.x(e.epoch), cy: g.y(e.metrics[name]), r: 3, fill: colour,
        'data-epoch': e.epoch, 'data-series': name})));
  });
}

function memeMarkers(g, run, show) {
  return run.memes.filter((m) => m.epoch !== null).map((m) => {
    const xx = g.x(m.epoch);
    const text = `epoch ${m.epoch}: ${m.reaction}\n${m.caption}`;
    const marker = svg('g', {class: 'meme-marker', tabindex: 0, role: 'img', 'aria-label': text, 'data-epoch': m.epoch,
      'data-meme': m.id},
      svgTitle(text),
      svg('line', {x1: xx, x2: xx, y1: g.top, y2: g.H - g.bottom}),
      svg('path', {d: `M${xx - 6},${g.top - 12}L${xx + 6},${g.top - 12}L${xx},${g.top}Z`}));
    for (const type of ['mouseenter', 'focus']) marker.addEventListener(type, (ev) => { ev.stopPropagation(); show(text, xx); });
    return marker;
  });
}

// What the read-out says at `epoch`: each visible series' value there.
function readout(group, run, state, epoch) {
  const e = run.epochs.find((x) => x.epoch === epoch);
  if (!e) return '';
  const lines = group.names.filter((n) => !state.hidden.has(n) && n in e.metrics)
    .map((n) => `${n}: ${number(e.metrics[n])}`);
  return [`epoch ${epoch}`, ...lines].join('\n');
}

// A colour key; set through the style object, which the page's CSP allows (a style attribute it would not).
function swatch(colour) {
  const span = el('span', {class: 'swatch', 'aria-hidden': 'true'});
  span.style.background = colour;
  return span;
}

function legend(group, state, redraw, ...more) {
  const boxes = group.names.map((name, i) => el('label', {},
    el('input', {type: 'checkbox', checked: !state.hidden.has(name), 'data-series-toggle': name,
      onchange: (ev) => { ev.target.checked ? state.hidden.delete(name) : state.hidden.add(name); redraw(); }}),
    swatch(COLOURS[i % COLOURS.length]), name));
  const log = el('label', {}, el('input', {type: 'checkbox', checked: state.log, 'data-log-toggle': group.title,
    onchange: (ev) => { state.log = ev.target.checked; redraw(); }}), 'log scale');
  return el('div', {class: 'controls', role: 'group', 'aria-label': `${group.title}: series and scale`}, boxes, log, more);
}

function valuesTable(group, run, state) {
  // stays open across live redraws once opened
  return el('details', {open: state.tableOpen, ontoggle: (ev) => { state.tableOpen = ev.target.open; }},
    el('summary', {}, `${group.title}: table of values`),
    table(`${group.title} by epoch`, ['Epoch', ...group.names],
      run.epochs.map((e) => [td(String(e.epoch), 'num'), group.names.map((n) => td(n in e.metrics ? number(e.metrics[n]) : '', 'num'))])));
}

function chart(group, run) {
  const state = stateOf(group.title);
  const id = 'chart-' + group.title.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  const box = el('section', {class: 'chart', 'aria-labelledby': id + '-h', 'data-group': group.title});
  const redraw = (keepFocus) => {
    box.replaceChildren(...chartContent(group, run, state, id, redraw));
    if (keepFocus === true) box.querySelector('svg').focus();
  };
  redraw();
  return box;
}

// --- zoom and pan -------------------------------------------------------------------------
// Zoom: drag across epochs, + and - on the focused chart, a reset button. Pan, once zoomed:
// shift+drag (a finger on a touch screen), [ and ], or shift with the arrow keys, which alone
// still move the read-out. Plain drag keeps zooming, so it can narrow a zoomed chart further.

// The run as the chart shows it: only the epochs and memes inside the zoomed range, when one is
// set for this run and still holds two epochs.
function zoomedView(run, state) {
  const z = state.zoom;
  if (!z || z.run !== run.run) return run;
  const inside = (epoch) => epoch !== null && epoch >= z.from && epoch <= z.to;
  const epochs = run.epochs.filter((e) => inside(e.epoch));
  return epochs.length < 2 ? run : {...run, epochs, memes: run.memes.filter((m) => inside(m.epoch))};
}

function epochRange(run) {
  const all = run.epochs.map((e) => e.epoch);
  return {all, lo: Math.min(...all), hi: Math.max(...all)};
}

// Zooms to [from, to] (epochs), kept inside the run so that panning starts from what is shown; a
// range as wide as the run resets the zoom.
function zoomTo(run, state, from, to) {
  const {all, lo, hi} = epochRange(run);
  const inside = all.filter((e) => e >= from && e <= to).length;
  if (inside < 2 && from > lo && to < hi) return false;
  state.zoom = from <= lo && to >= hi ? null : {run: run.run, from: Math.max(from, lo), to: Math.min(to, hi)};
  return true;
}

// + and - halve and double the shown range around the epoch the read-out is at (else its middle).
function keyZoom(run, state, g, centre, key) {
  const half = (g.e1 - g.e0) / (key === '-' ? 1 : 4);
  const c = centre === undefined ? (g.e0 + g.e1) / 2 : centre;
  return zoomTo(run, state, Math.floor(c - Math.max(half, 1)), Math.ceil(c + Math.max(half, 1)));
}

// Moves the zoomed window by `delta` epochs, its width kept and its ends clamped to the run's
// first and last epoch. False, and the zoom unchanged, when it is not zoomed, cannot move that
// way, or would show fewer than two epochs (a gap in the run).
function panBy(run, state, delta) {
  const z = state.zoom;
  if (!z || z.run !== run.run) return false;
  const {all, lo, hi} = epochRange(run), width = z.to - z.from;
  const from = Math.max(lo, Math.min(hi - width, z.from + delta));
  if (from === z.from || all.filter((e) => e >= from && e <= from + width).length < 2) return false;
  state.zoom = {run: run.run, from, to: from + width};
  return true;
}

// [ and ] (or shift with an arrow) move a zoomed chart a quarter of its width; -1 and 1 say
// which way, undefined that the key does not pan.
function panKey(ev, state) {
  if (!state.zoom) return undefined;
  if (ev.key === '[' || ev.key === ']') return ev.key === '[' ? -1 : 1;
  return ev.shiftKey ? {ArrowLeft: -1, ArrowRight: 1}[ev.key] : undefined;
}

function keyPan(run, state, way) {
  return panBy(run, state, way * Math.max(1, Math.round((state.zoom.to - state.zoom.from) / 4)));
}

// Follows one pointer's drag on a zoomed chart, moving the window by the epochs the pointer has
// crossed. Each move draws the chart anew, replacing `plot`, so the drag is followed on the
// window, with the scale measured once at the start.
function dragPan(down, plot, g, run, state, redraw) {
  const start = state.zoom, x0 = down.clientX;
  const perPixel = (g.e1 - g.e0) / (plot.getBoundingClientRect().width * (g.W - g.left - g.right) / g.W);
  let shown = start;
  const move = (ev) => {
    if (ev.pointerId !== down.pointerId) return;
    state.zoom = start;
    panBy(run, state, Math.round((x0 - ev.clientX) * perPixel));
    if (state.zoom.from !== shown.from) { shown = state.zoom; redraw(); }
  };
  const end = (ev) => {
    if (ev.pointerId !== down.pointerId) return;
    for (const [type, fn] of listeners) window.removeEventListener(type, fn);
  };
  const listeners = [['pointermove', move], ['pointerup', end], ['pointercancel', end]];
  for (const [type, fn] of listeners) window.addEventListener(type, fn);
}

// Dragging across the plot zooms to the epochs under the drag, a band showing the range
// meanwhile; on a zoomed chart shift+drag, or a finger, pans instead (dragPan).
function addDragZoom(plot, g, run, state, redraw) {
  const band = svg('rect', {class: 'zoom-band', y: g.top, height: g.H - g.top - g.bottom, visibility: 'hidden'});
  plot.append(band);
  const xOf = (ev) => { const r = plot.getBoundingClientRect(); return (ev.clientX - r.left) * g.W / r.width; };
  const epochOf = (xx) => g.e0 + (xx - g.left) / (g.W - g.left - g.right) * (g.e1 - g.e0);
  let from = null, pointer = null;
  plot.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0 || (ev.target.closest && ev.target.closest('.meme-marker'))) return;
    ev.preventDefault();
    if (state.zoom && (ev.shiftKey || ev.pointerType === 'touch')) return dragPan(ev, plot, g, run, state, redraw);
    from = xOf(ev);
    pointer = ev.pointerId;
    plot.setPointerCapture(pointer);  // the drag may leave the plot and still end here
  });
  plot.addEventListener('pointermove', (ev) => {
    if (ev.pointerId !== pointer) return;
    const to = xOf(ev);
    band.setAttribute('x', Math.min(from, to)); band.setAttribute('width', Math.abs(to - from));
    band.setAttribute('visibility', 'visible');
  });
  const end = (ev, zoom) => {
    if (ev.pointerId !== pointer) return;
    const a = from, b = xOf(ev);
    pointer = null;
    band.setAttribute('visibility', 'hidden');
    if (zoom && Math.abs(b - a) >= 8 && zoomTo(run, state, Math.ceil(epochOf(Math.min(a, b))), Math.floor(epochOf(Math.max(a, b))))) redraw();
  };
  plot.addEventListener('pointerup', (ev) => end(ev, true));
  plot.addEventListener('pointercancel', (ev) => end(ev, false));  // the browser took the touch to scroll
}

function zoomReset(state, redraw) {
  return el('button', {type: 'button', class: 'zoom-reset', 'data-zoom-reset': true, hidden: !state.zoom,
    onclick: () => { state.zoom = null; redraw(); }}, 'Reset zoom');
}

// How to zoom and pan, under the chart and as its description; it names the window once zoomed.
function zoomHelp(full, state, id) {
  const {lo, hi} = epochRange(full);
  const text = state.zoom
    ? `Epochs ${state.zoom.from} to ${state.zoom.to} of ${lo} to ${hi}. Pan: shift+drag (or a finger), [ and ], ` +
      'or shift with the arrow keys. Drag across to zoom further.'
    : 'Zoom: drag across the chart, or + and - with it focused.';
  return el('p', {class: 'chart-help muted', id: id + '-help'}, text);
}

function chartContent(group, run, state, id, redraw) {
  const full = run;
  run = zoomedView(full, state);
  const g = layout(group, run, state);
  const tip = el('div', {class: 'tooltip', role: 'status', hidden: true});
  const cursor = svg('line', {class: 'cursor', y1: g.top, y2: g.H - g.bottom, visibility: 'hidden'});
  const plot = svg('svg', {viewBox: `0 0 ${g.W} ${g.H}`, tabindex: 0, role: 'img', focusable: 'true',
    'aria-describedby': id + '-help',
    'aria-label': `${group.title} over ${run.epochs.length} epochs (${group.names.join(', ')}), ` +
      `${run.memes.length} memes marked; left and right arrows read the values, plus and minus zoom; ` +
      'the table below has them all'});
  const show = (text, xx) => {
    tip.textContent = text;
    tip.hidden = false;
    // beside the cursor, on whichever side has room, below the chart's controls
    const px = plot.offsetLeft + xx / g.W * plot.clientWidth;
    const right = px > plot.offsetLeft + plot.clientWidth * 0.6;
    tip.style.left = right ? '' : `${px + 12}px`;
    tip.style.right = right ? `${plot.offsetParent.clientWidth - px + 12}px` : '';
    tip.style.top = `${plot.offsetTop + 8}px`;
    cursor.setAttribute('x1', xx); cursor.setAttribute('x2', xx); cursor.setAttribute('visibility', 'visible');
  };
  const epochs = run.epochs.map((e) => e.epoch);
  let at = -1;
  const showEpoch = (i) => { at = Math.max(0, Math.min(epochs.length - 1, i)); show(readout(group, run, state, epochs[at]), g.x(epochs[at])); };
  plot.append(axes(g, state), ...seriesPaths(g, group, run, state), cursor, ...memeMarkers(g, run, show));
  plot.addEventListener('mousemove', (ev) => {
    if (ev.target.closest && ev.target.closest('.meme-marker')) return;
    const r = plot.getBoundingClientRect();
    const xx = (ev.clientX - r.left) * g.W / r.width;
    let best = 0;
    epochs.forEach((e, i) => { if (Math.abs(g.x(e) - xx) < Math.abs(g.x(epochs[best]) - xx)) best = i; });
    showEpoch(best);
  });
  plot.addEventListener('mouseleave', () => { tip.hidden = true; cursor.setAttribute('visibility', 'hidden'); });
  addDragZoom(plot, g, full, state, redraw);
  plot.addEventListener('keydown', (ev) => {
    const way = panKey(ev, state);
    if (way !== undefined) {
      ev.preventDefault();
      if (keyPan(full, state, way)) redraw(true);
      return;
    }
    if (['+', '=', '-'].includes(ev.key)) {
      ev.preventDefault();
      if (keyZoom(full, state, g, at < 0 ? undefined : epochs[at], ev.key === '-' ? '-' : '+')) redraw(true);
      return;
    }
    const step = {ArrowRight: 1, ArrowLeft: -1, Home: -Infinity, End: Infinity}[ev.key];
    if (step === undefined) return;
    ev.preventDefault();
    showEpoch(Number.isFinite(step) ? at + step : step < 0 ? 0 : epochs.length - 1);
  });
  plot.addEventListener('blur', () => { tip.hidden = true; });
  return [el('h2', {id: id + '-h'}, group.title), legend(group, state, redraw, zoomReset(state, redraw)), plot, tip,
    zoomHelp(full, state, id), valuesTable(group, full, state)];
}

// --- routing and live updates ---------------------------------------------------------

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  if (hash.startsWith('/runs/')) return {nav: 'runs', title: 'Run', load: () => runPage(decodeURIComponent(hash.slice(6)))};
  if (hash === '/runs') return {nav: 'runs', title: 'Runs', load: runsPage};
  if (hash.startsWith('/versions/')) return {nav: 'versions', title: 'Versions', load: () => versionsPage(decodeURIComponent(hash.slice(10)))};
  if (hash === '/search' || hash.startsWith('/search?'))
    return {nav: 'search', title: 'Search', load: () => searchPage(new URLSearchParams(hash.slice(8)).get('q') || '')};
  if (hash.startsWith('/confusion/')) return {nav: 'confusion', title: 'Confusion matrix', load: () => confusionPage(hash.slice(11))};
  if (hash === '/confusion') return {nav: 'confusion', title: 'Confusion matrices', load: () => confusionPage(null)};
  if (hash === '/versions') return {nav: 'versions', title: 'Versions', load: () => versionsPage(null)};
  return {nav: 'overview', title: 'Overview', load: overviewPage};
}

let rendering = null;
async function render(moveFocus) {
  const r = route();
  const main = document.getElementById('main');
  for (const a of document.querySelectorAll('[data-nav]'))
    a.toggleAttribute('aria-current', a.dataset.nav === r.nav) && a.setAttribute('aria-current', 'page');
  document.title = `${r.title} · MemeOps dashboard`;
  const mine = rendering = r.load().catch((err) => [el('h1', {}, r.title), el('p', {class: 'error', role: 'alert'}, String(err.message))]);
  const content = await mine;
  if (mine !== rendering) return; // a newer render started meanwhile
  main.replaceChildren(...[content].flat(Infinity));
  main.setAttribute('aria-busy', 'false');
  if (moveFocus) main.focus();
}

// Live updates: Server-Sent Events from /v1/dash/stream, each message the changes since the last
// one; where the browser cannot stream or the server turns the stream down (503: too many
// pages listening), the page polls /v1/dash/updates every second instead.
const live = {boot: null, seq: 0, failures: 0, mode: 'stream', redraw: null};

// Where the change log stands before the first page is drawn: a change after this point is news,
// even when the page's first data already had it (drawing it again costs nothing).
async function baseline() {
  try {
    const res = await api('/v1/dash/updates?after=0');
    Object.assign(live, {boot: res.boot, seq: res.seq});
  } catch (err) {
    document.getElementById('live').textContent = 'offline: retrying';
  }
}

// Takes one answer of the change log (streamed or polled); a change redraws the page, at most
// every REDRAW_MS while a burst of events comes in.
function news(res) {
  const changed = res.boot !== live.boot || res.reset || res.changes.length > 0;
  Object.assign(live, {boot: res.boot, seq: res.seq, failures: 0});
  const note = document.getElementById('live');
  if (!changed) {
    if (!note.textContent.startsWith('updated')) note.textContent = live.mode === 'stream' ? 'live' : 'live (polling)';
    return;
  }
  live.redraw = live.redraw || setTimeout(async () => {
    live.redraw = null; // news arriving while this redraw fetches schedules another
    await render(false);
    note.textContent = `updated ${new Date().toLocaleTimeString()}`;
  }, REDRAW_MS);
}

function listen() {
  if (!window.EventSource) return startPolling();
  const source = new EventSource(`/v1/dash/stream?after=${live.seq}`);
  source.addEventListener('changes', (e) => news(JSON.parse(e.data)));
  source.addEventListener('error', () => {
    // CONNECTING: the browser reconnects by itself (with the last id); CLOSED: it gave up
    if (source.readyState === EventSource.CLOSED) return startPolling();
    document.getElementById('live').textContent = 'offline: retrying';
  });
}

function startPolling() {
  live.mode = 'poll';
  setTimeout(poll, POLL_MS);
}

async function poll() {
  try {
    news(await api(`/v1/dash/updates?after=${live.seq}`));
  } catch (err) {
    live.failures++;
    document.getElementById('live').textContent = 'offline: retrying';
  }
  setTimeout(poll, live.failures ? Math.min(POLL_MS * 2 ** live.failures, 15000) : POLL_MS);
}

function loginPage() {
  if (new URLSearchParams(location.search).has('failed')) document.getElementById('login-failed').hidden = false;
}

function start() {
  if (document.getElementById('login-form')) return loginPage();
  window.addEventListener('hashchange', () => render(true));
  baseline().then(() => render(false)).then(listen);
}

document.addEventListener('DOMContentLoaded', start);
