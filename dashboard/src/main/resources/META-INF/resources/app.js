// Pledge dashboard: submit orders, arm crash points, restart services, run the blocking and saga
// experiments, and follow every transaction and saga as a swimlane timeline. Everything the server
// sends is inserted as text (textContent / createElement), never as markup.

// ------------------------------------------------------------------ helpers

const $ = (selector, root = document) => root.querySelector(selector);
const enc = encodeURIComponent;
const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value != null && value !== false) el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child != null && child !== false) el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** An HTML element; string children become text nodes. */
const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);
/** An SVG element; string children become text nodes. */
const s = (tag, attrs, ...children) => build(document.createElementNS(SVG_NS, tag), attrs, children);
/** Replaces an element's children, skipping null and false. */
function fill(el, ...children) {
  el.replaceChildren();
  return build(el, {}, children);
}
const classes = map => Object.keys(map).filter(k => map[k]).join(' ') || null;

function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

/** Rebuilds part of the page and gives focus back to the element with the same data-focus-key. */
function keepFocus(container, rebuild) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.focusKey : null;
  rebuild();
  if (key) container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`)?.focus({ preventScroll: true });
}

const num = v => (v == null || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));
const fmtInt = v => (num(v) == null ? '—' : Math.round(num(v)).toLocaleString('en-US'));
const yesNo = b => (b == null ? '—' : b ? 'yes' : 'no');

function fmtAge(ms) {
  const v = num(ms);
  if (v == null) return '—';
  const sec = Math.max(0, Math.floor(v / 1000));
  if (sec < 60) return `${sec} s`;
  const min = Math.floor(sec / 60);
  if (min < 60) return `${min} min`;
  const hours = Math.floor(min / 60);
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} d`;
}

function fmtMs(ms) {
  const v = num(ms);
  if (v == null) return '—';
  if (v < 1000) return `${Math.round(v)} ms`;
  if (v < 60_000) return `${(v / 1000).toFixed(v < 10_000 ? 2 : 1)} s`;
  return fmtAge(v);
}

function fmtTime(value) {
  const date = new Date(value);
  return value == null || Number.isNaN(date.getTime()) ? String(value ?? '—') : date.toLocaleString();
}

const textWidth = (() => {
  const ctx = document.createElement('canvas').getContext('2d');
  if (ctx) ctx.font = '12px system-ui, sans-serif';
  return text => (ctx ? ctx.measureText(text).width : text.length * 6.6);
})();

// ---------------------------------------------------------------------- api

class ApiError extends Error {
  constructor(problem) {
    super(problem.title);
    this.problem = problem;
  }
}

/** Calls the dashboard API; resolves to the JSON body (null for 204), rejects with an ApiError. */
async function api(path, { method = 'GET', body, timeoutMs = 15_000 } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const late = err.name === 'TimeoutError';
    throw new ApiError({ title: late ? 'The dashboard did not answer in time' : 'The dashboard did not answer',
      detail: `${method} ${path}: ${late ? `no answer within ${timeoutMs / 1000} s` : err.message}` });
  }
  if (res.status === 204) return null;
  const isJson = (res.headers.get('Content-Type') || '').includes('json');
  const data = isJson ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    const p = data && typeof data === 'object' ? data : {};
    throw new ApiError({ ...p, status: p.status ?? res.status,
      title: p.title || `Request failed with HTTP ${res.status}`, detail: p.detail ?? `${method} ${path}` });
  }
  return data;
}

function problemOf(err) {
  return err instanceof ApiError ? err.problem : { title: 'Unexpected error', detail: String(err?.message ?? err) };
}

const problemText = err => [problemOf(err).title, problemOf(err).detail].filter(Boolean).join(': ');

/** Shows an RFC 9457 problem (title, detail, errors[]) in an alert region. */
function showProblem(box, err) {
  const p = problemOf(err);
  const errors = Array.isArray(p.errors) ? p.errors : [];
  fill(box, h('strong', {}, p.title), p.detail ? h('p', {}, p.detail) : null,
    errors.length ? h('ul', {}, errors.map(e => h('li', {}, `${e.field}: ${e.message}`))) : null);
  return errors;
}

// -------------------------------------------------------------------- state

const BLOCKING_KEY = 'pledge.blockingRuns';

const state = {
  overview: null,
  open: null, // { kind, id } of the timeline in the detail pane
  timeline: null,
  listSeq: 0,
  timelineSeq: 0,
  run: null, // { runId, status } of the experiment shown in the panel
  restarts: new Map(), // service -> { lines, running, ok }
  blockingRuns: loadBlockingRuns(), // protocol -> { waitedMs, resolvedMs }
  live: false,
  streamDropped: false,
  swimlaneWidth: 0,
};

function loadBlockingRuns() {
  try { return JSON.parse(sessionStorage.getItem(BLOCKING_KEY)) || {}; } catch { return {}; }
}

// ----------------------------------------------------------------- services

async function refreshOverview() {
  try {
    applyOverview(await api('/api/overview'));
  } catch (err) {
    $('#services').replaceChildren(h('li', { class: 'pill down' }, `services unknown: ${problemText(err)}`));
  }
}

function applyOverview(overview) {
  state.overview = { services: overview?.services || [], crashPoints: overview?.crashPoints || {},
    localStack: Boolean(overview?.localStack) };
  renderPills(state.overview.services);
  renderCrashPoints();
  renderRestarts();
}

function renderPills(services) {
  $('#services').replaceChildren(...services.map(svc => h('li', {
    class: `pill ${svc.up ? 'up' : 'down'}`, title: [svc.url, svc.detail].filter(Boolean).join(' — ') || null,
  }, h('span', { class: 'pill-icon', 'aria-hidden': 'true' }, svc.up ? '●' : '✕'), ' ',
  h('span', { class: 'pill-name' }, svc.name), ' ', h('span', { class: 'pill-state' }, svc.up ? 'up' : 'down'))));
}

function syncOptions(select, values) {
  const same = select.options.length === values.length && values.every((v, i) => select.options[i].value === v);
  if (same) return;
  const current = select.value;
  select.replaceChildren(...values.map(v => h('option', { value: v }, v)));
  if (values.includes(current)) select.value = current;
}

function armedText(cp) {
  const paused = cp.paused || {};
  const parts = cp.armed ? [`${cp.armed} (${paused[cp.armed] != null ? `pauses ${paused[cp.armed]} ms` : 'halts'})`] : [];
  for (const [point, ms] of Object.entries(paused)) if (point !== cp.armed) parts.push(`pauses at ${point} for ${ms} ms`);
  return parts.join('; ') || 'not armed';
}

function renderCrashPoints() {
  const points = state.overview?.crashPoints || {};
  const names = Object.keys(points);
  const serviceSelect = $('#crash-service');
  syncOptions(serviceSelect, names);
  syncOptions($('#crash-point'), points[serviceSelect.value]?.known || []);
  $('#crash-arm').disabled = $('#crash-disarm').disabled = names.length === 0;
  $('#crash-armed').replaceChildren(...(names.length
    ? names.map(n => h('li', {}, h('strong', {}, n), ': ', armedText(points[n])))
    : [h('li', { class: 'hint' }, 'No crash points: every service that has them is down.')]));
}

async function crashAction(arm) {
  const service = $('#crash-service').value;
  const point = $('#crash-point').value;
  const pause = $('#crash-pause').value.trim();
  const box = $('#crash-error');
  box.replaceChildren();
  if (!service || (arm && !point)) return;
  let path = `/api/crash-points/${enc(service)}`;
  if (arm) path += `/${enc(point)}${pause ? `?pauseMillis=${enc(pause)}` : ''}`;
  try {
    const cp = await api(path, { method: arm ? 'PUT' : 'DELETE' });
    if (state.overview && cp) state.overview.crashPoints[service] = cp;
    renderCrashPoints();
    $('#crash-status').textContent = arm
      ? `${service}: armed ${point}${pause ? `, pausing ${pause} ms` : ', halting'}` : `${service}: disarmed`;
  } catch (err) {
    $('#crash-status').textContent = '';
    showProblem(box, err);
  }
}

function renderRestarts() {
  const ov = state.overview;
  if (!ov) return;
  const down = ov.services.filter(svc => !svc.up).map(svc => svc.name);
  const note = $('#restart-note');
  if (!down.length) note.replaceChildren('All services are up.');
  else if (!ov.localStack) note.replaceChildren('Restarts need the local stack started by ', h('code', {}, './pledge up'), '.');
  else note.replaceChildren(`${down.length} down.`);
  const names = [...new Set([...down, ...state.restarts.keys()])];
  const list = $('#restart-list');
  keepFocus(list, () => list.replaceChildren(...names.map(name => restartItem(name, down.includes(name), ov.localStack))));
}

function restartItem(name, isDown, canRestart) {
  const r = state.restarts.get(name);
  return h('li', { class: 'restart' },
    h('span', { class: 'restart-name' }, name, ' ', h('span', { class: `badge ${isDown ? 'badge-down' : 'badge-up'}` }, isDown ? 'down' : 'up')),
    isDown && canRestart ? h('button', { type: 'button', class: 'secondary restart-button', 'data-service': name,
      'data-focus-key': `restart-${name}`, disabled: Boolean(r?.running), 'aria-label': `Restart ${name}` },
    r?.running ? 'Restarting…' : 'Restart') : null,
    r ? h('pre', { class: 'restart-log', 'aria-label': `Restart of ${name}` }, r.lines.join('\n')) : null);
}

async function restartService(name) {
  const r = { lines: [], running: true, ok: null };
  state.restarts.set(name, r);
  renderRestarts();
  try {
    await api(`/api/services/${enc(name)}/restart`, { method: 'POST' });
  } catch (err) {
    Object.assign(r, { running: false, ok: false });
    r.lines.push(`restart refused: ${problemText(err)}`);
    renderRestarts();
  }
}

function onRestartEvent({ service, line, done, ok }) {
  const r = state.restarts.get(service) || { lines: [], running: true, ok: null };
  state.restarts.set(service, r);
  if (line) r.lines.push(line);
  if (done) Object.assign(r, { running: false, ok: Boolean(ok) });
  if (done && !ok) r.lines.push('restart failed');
  renderRestarts();
  if (done) refreshOverview();
}

// --------------------------------------------------------------------- list

function filterParams() {
  const params = new URLSearchParams({ kind: $('#f-kind').value });
  const optional = { protocol: $('#f-protocol').value, state: $('#f-state').value.trim(), q: $('#f-q').value.trim() };
  for (const [key, value] of Object.entries(optional)) if (value) params.set(key, value);
  if ($('#f-in-doubt').checked) params.set('inDoubt', 'true');
  params.set('limit', '200');
  return params;
}

async function refreshList() {
  const seq = ++state.listSeq;
  const notice = $('#activity-notice');
  try {
    const data = await api(`/api/activity?${filterParams()}`);
    if (seq !== state.listSeq) return;
    renderList(data?.items || []);
    const unreachable = data?.unreachable || [];
    notice.className = unreachable.length ? 'notice warn' : 'notice';
    notice.textContent = unreachable.length ? `Not reachable, so their items are missing: ${unreachable.join(', ')}.` : '';
  } catch (err) {
    if (seq !== state.listSeq) return;
    notice.className = 'notice error';
    notice.textContent = `Could not load the list: ${problemText(err)}`;
  }
}
const scheduleListRefresh = debounce(refreshList, 300);

function renderList(items) {
  const body = $('#activity-rows');
  const rows = items.length ? items.map(listRow)
    : [h('tr', { class: 'empty' }, h('td', { colspan: 6 }, 'Nothing matches these filters yet.'))];
  keepFocus(body, () => body.replaceChildren(...rows));
  $('#activity-count').textContent = `${items.length} shown`;
}

function listRow(item) {
  const short = String(item.id).slice(0, 8);
  const selected = state.open?.id === item.id;
  return h('tr', { 'data-id': item.id, 'data-kind': item.kind, class: classes({ 'in-doubt': item.inDoubt, selected }),
    'aria-current': selected ? 'true' : null },
  h('td', {}, openLink(item.kind, item.id, short, { title: item.id, 'aria-label': `Open ${item.kind} ${short}`,
    'data-focus-key': item.id })),
  h('td', {}, item.protocol, item.flow ? h('span', { class: 'flow' }, ` · ${item.flow}`) : null),
  h('td', {}, h('span', { class: 'state' }, item.state), item.inDoubt ? [' ', h('span', { class: 'badge badge-doubt' }, 'in doubt')] : null),
  h('td', {}, item.outcome ?? (item.final ? '—' : 'pending')),
  h('td', { class: 'num' }, fmtAge(item.ageMs)),
  h('td', { class: 'summary' }, item.summary ?? ''));
}

function markSelected() {
  for (const tr of document.querySelectorAll('#activity-rows tr[data-id]')) {
    const selected = state.open?.id === tr.dataset.id;
    tr.classList.toggle('selected', selected);
    if (selected) tr.setAttribute('aria-current', 'true'); else tr.removeAttribute('aria-current');
  }
}

// ----------------------------------------------------------------- timeline

const hashFor = (kind, id) => `#${kind}/${enc(id)}`;

function openLink(kind, id, text, attrs = {}) {
  return h('a', { class: 'open', href: hashFor(kind, id), 'data-id': id, 'data-kind': kind, ...attrs }, text);
}

function openItem(kind, id, { focus = true } = {}) {
  if (location.hash !== hashFor(kind, id)) history.pushState(null, '', hashFor(kind, id));
  loadTimeline(kind, id, { focus });
}

function openFromHash() {
  const match = /^#(transaction|saga)\/(.+)$/.exec(location.hash);
  if (match) loadTimeline(match[1], decodeURIComponent(match[2]));
}

async function loadTimeline(kind, id, { focus = false } = {}) {
  const seq = ++state.timelineSeq;
  const pane = $('#detail');
  const switching = state.open?.id !== id || state.open?.kind !== kind;
  state.open = { kind, id };
  markSelected();
  if (switching) {
    state.timeline = null;
    delete pane.dataset.id;
    delete pane.dataset.state;
    pane.setAttribute('aria-busy', 'true');
    pane.replaceChildren(h('h2', { id: 'detail-title', tabindex: '-1' }, `Timeline of ${kind} ${id}`), h('p', { class: 'hint' }, 'Loading…'));
  }
  try {
    const timeline = await api(`/api/timeline/${enc(kind)}/${enc(id)}`);
    if (seq !== state.timelineSeq) return;
    state.timeline = timeline;
    keepFocus(pane, () => renderDetail(timeline));
  } catch (err) {
    if (seq !== state.timelineSeq) return;
    const box = h('div', { class: 'alert', role: 'alert' });
    showProblem(box, err);
    if (switching) {
      pane.replaceChildren(h('h2', { id: 'detail-title', tabindex: '-1' }, `Timeline of ${kind} ${id}`), box);
    } else { // keep the last good timeline and say the refresh failed
      pane.querySelector(':scope > .alert')?.remove();
      pane.insertBefore(box, pane.children[1] ?? null);
    }
  } finally {
    if (seq === state.timelineSeq) pane.removeAttribute('aria-busy');
  }
  if (focus && seq === state.timelineSeq) $('#detail-title')?.focus();
}
const scheduleTimelineRefresh = debounce(() => state.open && loadTimeline(state.open.kind, state.open.id), 300);

function renderDetail(tl) {
  const pane = $('#detail');
  pane.dataset.id = tl.id;
  pane.dataset.state = tl.state ?? '';
  const fact = (term, ...value) => h('div', {}, h('dt', {}, term), h('dd', {}, ...value));
  const duration = tl.durationMs != null ? fmtMs(tl.durationMs) : tl.final ? '—' : 'still running';
  const what = tl.kind === 'saga' ? `Saga${tl.flow ? ` (${tl.flow})` : ''}` : tl.protocol ? `${tl.protocol} transaction` : 'Transaction';
  const heading = h('h2', { id: 'detail-title', tabindex: '-1', 'data-focus-key': 'detail-title' },
    `${what} `, h('span', { class: 'mono' }, tl.id));
  const facts = h('dl', { class: 'facts' },
    fact('state', h('span', { class: 'state' }, tl.state), tl.inDoubt ? [' ', h('span', { class: 'badge badge-doubt' }, 'in doubt')] : null),
    fact('outcome', tl.outcome ?? 'pending'),
    tl.traceId != null ? fact('trace', tl.traceUrl
      ? h('a', { href: tl.traceUrl, target: '_blank', rel: 'noopener' }, h('code', { id: 'trace-id' }, tl.traceId))
      : h('code', { id: 'trace-id' }, tl.traceId)) : null,
    fact('duration', duration),
    fact('created', fmtTime(tl.createdAt)));
  const wrap = h('div', { class: 'swimlane-wrap' });
  fill(pane, heading, facts, wrap, heldSection(tl.held), entryList(tl));
  drawSwimlane(wrap, tl);
}

function heldSection(held) {
  if (!held?.length) return null;
  return h('section', { class: 'held', 'aria-labelledby': 'held-title' },
    h('h3', { id: 'held-title' }, 'Locks held while in doubt'),
    heldTable(held, 'Prepared branches and what they lock'));
}

function heldTable(branches, caption) {
  const locks = list => (list || []).map(l => (typeof l === 'string' ? l : `${l.table} (${l.mode})`)).join(', ') || '—';
  const keys = k => [].concat(k ?? []).map(x => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
  const rows = map => {
    const entries = Object.entries(map || {});
    return entries.length ? entries.map(([table, k]) => h('div', {}, `${table}: ${keys(k)}`)) : '—';
  };
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data compact' }, h('caption', {}, caption),
    headRow(['Participant', 'Gid', 'Held for', 'Locks', 'Rows']),
    h('tbody', {}, branches.map(b => h('tr', {}, h('td', {}, b.participant), h('td', {}, h('code', {}, b.gid)),
      h('td', { class: 'num' }, fmtAge(b.ageMs)), h('td', {}, locks(b.locks)), h('td', {}, rows(b.rows)))))));
}

const headRow = names => h('thead', {}, h('tr', {}, names.map(n => h('th', { scope: 'col' }, n))));

const entryLabel = e => `${e.label ?? e.type}${e.durationMs != null && (e.type === 'message' || e.to) ? ` (${fmtInt(e.durationMs)} ms)` : ''}`;

function entryList(tl) {
  const entries = tl.entries || [];
  return h('section', { class: 'entries', 'aria-labelledby': 'entries-title' },
    h('h3', { id: 'entries-title' }, 'Events as text'),
    entries.length ? h('ol', { class: 'entry-list' }, entries.map(e => h('li', {},
      h('span', { class: 'time' }, `+${fmtInt(e.atMs)} ms`), ' ',
      h('span', { class: 'lanes' }, e.lane ?? '—', e.to ? ` → ${e.to}` : ''), ' ',
      h('span', { class: `type type-${e.type}` }, e.type), ' ', entryLabel(e),
      e.detail ? h('div', { class: 'hint' }, e.detail) : null)))
      : h('p', { class: 'hint' }, 'No events recorded yet.'));
}

// ----------------------------------------------------------------- swimlane

const LANE = { row: 26, top: 44, gutter: 78, pad: 12 };
const ARROW_TYPES = new Set(['message', 'retry', 'compensation']);

const swimlaneWidth = wrap => Math.max(480, Math.floor(wrap.clientWidth || 800));

function drawSwimlane(wrap, tl) {
  const entries = tl.entries || [];
  const lanes = [...(tl.lanes || [])];
  for (const e of entries) for (const lane of [e.lane, e.to]) if (lane && !lanes.includes(lane)) lanes.push(lane);
  const width = swimlaneWidth(wrap);
  const height = LANE.top + entries.length * LANE.row + 12;
  const gap = (width - LANE.gutter - LANE.pad) / Math.max(1, lanes.length);
  const ctx = { width, xOf: lane => LANE.gutter + gap * (Math.max(0, lanes.indexOf(lane)) + 0.5) };
  state.swimlaneWidth = width;
  const summary = `Swimlane of ${tl.protocol ?? ''} ${tl.kind} ${tl.id}: ${entries.length} events across ${lanes.join(', ') || 'no lanes'}; `
    + `state ${tl.state}${tl.outcome ? `, outcome ${tl.outcome}` : ''}. The same events are listed as text below.`;
  const svg = s('svg', { id: 'swimlane', class: 'swimlane', viewBox: `0 0 ${width} ${height}`, width, height,
    role: 'img', 'aria-label': summary }, arrowheads());
  for (const lane of lanes) {
    const x = ctx.xOf(lane);
    svg.append(s('line', { class: 'lane-line', x1: x, x2: x, y1: 28, y2: height - 4 }),
      s('text', { class: 'lane', x, y: 18, 'text-anchor': 'middle' }, lane));
  }
  entries.forEach((e, i) => {
    const mid = LANE.top + i * LANE.row + LANE.row / 2;
    svg.append(s('text', { class: 'time', x: LANE.gutter - 10, y: mid + 4, 'text-anchor': 'end' }, `+${fmtInt(e.atMs)} ms`),
      drawEntry(e, mid, ctx));
  });
  wrap.replaceChildren(svg);
}

function arrowheads() {
  const head = type => s('marker', { id: `sl-head-${type}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9,
    markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto' }, s('path', { class: `head-${type}`, d: 'M1,1 L9,5 L1,9 z' }));
  return s('defs', {}, [...ARROW_TYPES].map(head));
}

function drawEntry(e, mid, ctx) {
  const type = String(e.type ?? 'other').replace(/[^a-z0-9-]/gi, '');
  const label = entryLabel(e);
  const g = s('g', { class: `entry entry-${type}`, 'data-lane': e.lane ?? null, 'data-to': e.to ?? null },
    s('title', {}, e.detail ? `${label}\n${e.detail}` : label));
  const x = ctx.xOf(e.lane);
  if (type === 'state') {
    const left = LANE.gutter + 4;
    const right = ctx.width - LANE.pad;
    const tone = /\bCOMPENSATED\b/i.test(label) ? 'comp' : /\b(ABORTED|FAILED|ROLLED BACK)\b/i.test(label) ? 'bad'
      : /\b(COMMITTED|COMPLETED|SUCCEEDED)\b/i.test(label) ? 'ok' : 'neutral';
    g.append(s('rect', { class: `band band-${tone}`, x: left, y: mid - 10, width: right - left, height: 20, rx: 4 }),
      s('text', { class: 'label band-label', x: (left + right) / 2, y: mid + 4, 'text-anchor': 'middle' }, label));
  } else if (e.to && e.to !== e.lane && (ARROW_TYPES.has(type) || !MARKERS[type])) {
    drawArrow(g, ARROW_TYPES.has(type) ? type : 'message', x, ctx.xOf(e.to), mid, label, ctx);
  } else {
    g.append(...(MARKERS[type] || MARKERS.other)(x, mid), markerLabel(x, mid, label, ctx));
  }
  return g;
}

function drawArrow(g, type, x1, x2, mid, label, ctx) {
  const y = mid + 5;
  const dir = Math.sign(x2 - x1);
  if (type === 'compensation') g.append(s('circle', { class: 'tail', cx: x1, cy: y, r: 3 }));
  g.append(s('line', { class: 'arrow', x1: x1 + dir * (type === 'compensation' ? 3 : 0), y1: y, x2: x2 - dir, y2: y,
    'marker-end': `url(#sl-head-${type})` }));
  const w = textWidth(label);
  const left = Math.max(LANE.gutter + 2, Math.min((x1 + x2) / 2 - w / 2, ctx.width - 4 - w));
  g.append(s('text', { class: 'label', x: left, y: mid - 1 }, label));
}

function markerLabel(x, mid, label, ctx) {
  const w = textWidth(label);
  const fitsRight = x + 12 + w <= ctx.width - 4 || x - 12 - w < LANE.gutter;
  return s('text', { class: 'label', x: fitsRight ? x + 12 : x - 12, y: mid + 4, 'text-anchor': fitsRight ? 'start' : 'end' }, label);
}

/** Marker shapes per entry type; every type has its own shape as well as its own colour. */
const MARKERS = {
  log: (x, y) => [s('rect', { class: 'mark', x: x - 5, y: y - 5, width: 10, height: 10 })],
  timeout: (x, y) => [s('polygon', { class: 'mark', points: `${x},${y - 7} ${x + 7},${y} ${x},${y + 7} ${x - 7},${y}` }),
    s('path', { class: 'mark-detail', d: `M${x},${y - 3.5} V${y} H${x + 3}` })],
  retry: (x, y) => [s('circle', { class: 'mark', cx: x, cy: y, r: 6 })],
  compensation: (x, y) => [s('polygon', { class: 'mark', points: `${x - 7},${y} ${x + 5},${y - 6} ${x + 5},${y + 6}` })],
  crash: (x, y) => [s('path', { class: 'mark', d: `M${x - 6},${y - 6} L${x + 6},${y + 6} M${x + 6},${y - 6} L${x - 6},${y + 6}` })],
  error: (x, y) => [s('circle', { class: 'mark', cx: x, cy: y, r: 7 }),
    s('path', { class: 'mark-detail', d: `M${x},${y - 4} V${y + 1} M${x},${y + 3} V${y + 4.5}` })],
  other: (x, y) => [s('circle', { class: 'mark', cx: x, cy: y, r: 4 })],
};

// ------------------------------------------------------------------ reports

function renderReport(run) {
  const box = $('#experiment-report');
  if (run.status === 'failed') {
    box.replaceChildren(h('h3', {}, `Experiment failed: ${describeRun(run.type, run.args)}`),
      h('p', { class: 'alert' }, run.error ?? 'no error message'));
  } else if (run.report) {
    const nodes = run.type === 'blocking' ? blockingReport(run.report) : sagaReport(run.report);
    fill(box, nodes);
  }
}

function kvTable(caption, pairs) {
  return h('table', { class: 'data kv' }, h('caption', {}, caption),
    h('tbody', {}, pairs.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v ?? '—')))));
}

function blockingReport(r) {
  const protocol = String(r.protocol ?? '?').toUpperCase();
  rememberBlocking(protocol, r);
  const held = r.preparedWhileDown || [];
  const protocols = Object.keys(state.blockingRuns).sort();
  return [
    h('h3', {}, `Blocking experiment: ${protocol}`),
    kvTable('Run summary', [
      ['protocol', protocol], ['crash point', r.crashPoint],
      ['transaction', r.transactionId ? openLink('transaction', r.transactionId, r.transactionId, { class: 'open mono' }) : null],
      ['blocked until the coordinator came back', r.blockedInWords ?? yesNo(r.blockedUntilRestart)],
      ['second order', r.secondOrderInWords ?? fmtMs(r.secondOrderWaitedMs)], ['resolved after', fmtMs(r.resolvedMs)],
      ['resolved by', r.resolvedBy], ['resolved before restart', yesNo(r.resolvedBeforeRestart)],
      ['outcome', r.outcome], ['invariants hold', yesNo(r.invariantsHold)],
    ]),
    h('h4', {}, `Invariants (${r.invariantsHold ? 'all hold' : 'violated'})`),
    h('ul', { class: r.invariantsHold ? 'invariants ok' : 'invariants bad' }, (r.invariants || []).map(i => h('li', {}, i))),
    h('h4', {}, 'Prepared while the coordinator was down'),
    held.length ? heldTable(held, 'Prepared branches holding locks') : h('p', { class: 'hint' }, 'No participant held a prepared branch.'),
    barChart({
      title: 'How long the second order waited, and the time to resolution, by protocol (latest run of each)',
      series: ['second order waited', 'resolved after'],
      groups: protocols.map(p => ({ label: p, values: [state.blockingRuns[p].waitedMs, state.blockingRuns[p].resolvedMs] })),
      note: protocols.length < 2 ? 'Run the other protocol too to see both side by side.' : null,
    }),
    r.timeline?.length ? h('details', { class: 'run-timeline' }, h('summary', {}, 'Run timeline'),
      h('pre', { tabindex: '0' }, r.timeline.join('\n'))) : null,
  ];
}

function rememberBlocking(protocol, r) {
  state.blockingRuns[protocol] = { waitedMs: num(r.secondOrderWaitedMs), resolvedMs: num(r.resolvedMs) };
  try { sessionStorage.setItem(BLOCKING_KEY, JSON.stringify(state.blockingRuns)); } catch { /* storage unavailable */ }
}

function sagaReport(r) {
  const rows = r.rows || [];
  const order = r.order || {};
  const outcomes = o => Object.entries(o || {}).map(([k, v]) => h('div', { class: 'nowrap' }, `${k} ${v}`));
  const problems = rows.flatMap(row => (row.problems || []).map(p => `${row.flow}: ${p}`));
  return [
    h('h3', {}, `Saga comparison: failure ${r.failure}, ${orders(r.orders)} per flow`),
    h('p', {}, `Each order: ${order.qty} × ${order.sku}, amount ${order.amount}.`),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data compact' },
      h('caption', {}, 'One row per flow; times in ms'),
      headRow(['Flow', 'Orders', 'Outcomes', 'Steps', 'Compensations', 'Compensations skipped', 'Kafka messages',
        'Latency p50', 'Latency p99', 'Latency max', 'Inconsistent p50', 'Inconsistent max', 'Invariants', 'Wall time']),
      h('tbody', {}, rows.map(row => h('tr', {},
        h('th', { scope: 'row' }, row.flow), h('td', { class: 'num' }, fmtInt(row.orders)), h('td', {}, outcomes(row.outcomes)),
        [row.steps, row.compensations, row.compensationsSkipped, row.kafkaMessages, row.latencyP50Ms, row.latencyP99Ms,
          row.latencyMaxMs, row.inconsistentP50Ms, row.inconsistentMaxMs].map(v => h('td', { class: 'num' }, fmtInt(v))),
        h('td', { class: row.invariantsHold ? null : 'bad' }, row.invariantsHold ? 'hold' : 'violated'), h('td', { class: 'num' }, fmtMs(row.wallMs))))))),
    problems.length ? [h('h4', {}, 'Problems'), h('ul', { class: 'invariants bad' }, problems.map(p => h('li', {}, p)))] : null,
    barChart({ title: 'Latency per flow', series: ['p50', 'p99'],
      groups: rows.map(row => ({ label: row.flow, values: [row.latencyP50Ms, row.latencyP99Ms] })) }),
    barChart({ title: 'Inconsistency window per flow', series: ['p50', 'max'],
      groups: rows.map(row => ({ label: row.flow, values: [row.inconsistentP50Ms, row.inconsistentMaxMs] })) }),
  ];
}

function niceStep(max) {
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

/** A horizontal grouped bar chart in ms: one group per label, one bar per series, values written on the bars. */
function barChart({ title, series, groups, note = null }) {
  const W = Math.max(420, Math.min(900, Math.floor($('#experiment-report').clientWidth || 640)));
  const LEFT = 130; const RIGHT = 30; const TOP = 30; const BAR = 16; const GAP = 3; const GROUP_GAP = 14;
  const values = groups.flatMap(g => g.values.map(num)).filter(v => v != null);
  const top = Math.max(10, ...values) / 0.7; // the longest bar takes 70% of the width, leaving room for its value
  const step = niceStep(top);
  const domain = Math.ceil(top / step) * step;
  const plotW = W - LEFT - RIGHT;
  const xOf = v => LEFT + (v / domain) * plotW;
  const groupH = series.length * (BAR + GAP) - GAP;
  const bottom = TOP + groups.length * (groupH + GROUP_GAP);
  const H = bottom + 36;
  const describe = groups.map(g => `${g.label}: ${series.map((name, i) => `${name} ${fmtInt(g.values[i])} ms`).join(', ')}`).join('; ');
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': `${title}. ${describe}` });
  series.forEach((name, i) => svg.append(s('rect', { class: `series-${i}`, x: LEFT + i * 110, y: 6, width: 12, height: 12 }),
    s('text', { x: LEFT + i * 110 + 17, y: 16 }, name)));
  for (let t = 0; t <= domain + step / 2; t += step) {
    svg.append(s('line', { class: 'grid', x1: xOf(t), x2: xOf(t), y1: TOP - 4, y2: bottom }),
      s('text', { class: 'tick', x: xOf(t), y: bottom + 14, 'text-anchor': 'middle' }, fmtInt(t)));
  }
  svg.append(s('text', { class: 'axis-label', x: LEFT + plotW / 2, y: H - 4, 'text-anchor': 'middle' }, 'time (ms)'));
  groups.forEach((g, gi) => {
    const y0 = TOP + gi * (groupH + GROUP_GAP);
    svg.append(s('text', { class: 'group-label', x: LEFT - 8, y: y0 + groupH / 2 + 4, 'text-anchor': 'end' }, g.label));
    series.forEach((name, si) => {
      const v = num(g.values[si]);
      const y = y0 + si * (BAR + GAP);
      const text = `${name}: ${v == null ? 'n/a' : `${fmtInt(v)} ms`}`;
      svg.append(s('g', {}, s('title', {}, `${g.label} ${text}`),
        s('rect', { class: `series-${si}`, x: LEFT, y, width: v == null ? 0 : Math.max(1, xOf(v) - LEFT), height: BAR }),
        s('text', { class: 'value', x: (v == null ? LEFT : xOf(v)) + 4, y: y + 12 }, text)));
    });
  });
  return h('figure', { class: 'chart-figure' }, h('figcaption', {}, title), svg, note ? h('p', { class: 'hint' }, note) : null);
}

// -------------------------------------------------------------- experiments

function describeRun(type, args = {}) {
  return type === 'blocking' ? `blocking experiment (${args?.protocol ?? '?'})`
    : `saga comparison (${args?.failure ?? '?'}, ${orders(args?.orders)})`;
}

function orders(n) {
  return Number(n) === 1 ? '1 order' : `${n ?? '?'} orders`;
}

function setRunning(running, status) {
  for (const button of document.querySelectorAll('button.run')) button.disabled = running;
  fill($('#experiment-status'), status);
}

function appendProgress(line) {
  const pre = $('#experiment-progress');
  const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 8;
  pre.append(`${line}\n`);
  if (atBottom) pre.scrollTop = pre.scrollHeight;
}

async function startExperiment(body) {
  if (state.run?.status === 'running') return;
  const box = $('#experiment-error');
  box.replaceChildren();
  state.run = { runId: null, status: 'running' };
  $('#experiment-progress').textContent = '';
  setRunning(true, `Starting ${describeRun(body.type, body)}…`);
  try {
    const { runId } = await api('/api/experiments', { method: 'POST', body });
    state.run.runId ??= runId;
    if (state.run.runId === runId && state.run.status === 'running') setRunning(true, `Running ${describeRun(body.type, body)}…`);
  } catch (err) {
    state.run = null;
    setRunning(false, '');
    showProblem(box, err);
    if (problemOf(err).status === 409) restoreExperiment();
  }
}

function onExperimentLine({ runId, line }) {
  if (state.run?.runId !== runId) {
    if (state.run?.status === 'running' && state.run.runId == null) {
      state.run.runId = runId; // the run this page just started
    } else {
      state.run = { runId, status: 'running' }; // started elsewhere: follow it
      $('#experiment-progress').textContent = '';
      setRunning(true, 'Running an experiment started elsewhere…');
    }
  }
  if (line != null) appendProgress(line);
}

async function loadRun(runId) {
  try {
    showRun(await api(`/api/experiments/${enc(runId)}`));
  } catch (err) {
    showProblem($('#experiment-error'), err);
  }
}

function showRun(run) {
  state.run = { runId: run.runId, status: run.status };
  const pre = $('#experiment-progress');
  pre.textContent = (run.lines || []).map(line => `${line}\n`).join('');
  pre.scrollTop = pre.scrollHeight;
  const what = describeRun(run.type, run.args);
  if (run.status === 'running') {
    setRunning(true, `Running ${what}…`);
    return;
  }
  renderReport(run);
  setRunning(false, run.status === 'failed' ? `Failed: ${what}: ${run.error ?? 'no error message'}`
    : [`Finished ${what}. `, h('a', { href: '#experiment-report' }, 'See the report')]);
}

async function restoreExperiment() {
  try {
    const run = await api('/api/experiments');
    if (run) showRun(run);
  } catch (err) {
    showProblem($('#experiment-error'), err);
  }
}

// ------------------------------------------------------------------- orders

async function submitOrder(event) {
  event.preventDefault();
  const protocol = $('#order-protocol').value;
  const qty = $('#order-qty').value.trim();
  const body = { protocol, sku: $('#order-sku').value.trim(), qty: qty === '' ? null : num(qty) ?? qty,
    account: $('#order-account').value.trim(), amount: $('#order-amount').value.trim() };
  if (protocol === 'saga') body.flow = $('#order-flow').value;
  const button = $('#order-submit');
  const result = $('#order-result');
  const box = $('#order-error');
  box.replaceChildren();
  for (const field of $('#order-form').querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid');
  button.disabled = true;
  result.textContent = 'Submitting…';
  try {
    const created = await api('/api/orders', { method: 'POST', body, timeoutMs: 120_000 });
    const kind = created.kind ?? (protocol === 'saga' ? 'saga' : 'transaction');
    result.replaceChildren('Submitted ', openLink(kind, created.id, created.id, { class: 'open mono' }),
      created.state ? ` (${created.state})` : '');
    openItem(kind, created.id, { focus: false });
    refreshList();
  } catch (err) {
    result.textContent = '';
    for (const { field } of showProblem(box, err)) $(`#order-${CSS.escape(String(field))}`)?.setAttribute('aria-invalid', 'true');
  } finally {
    button.disabled = false;
  }
}

// --------------------------------------------------------------- lock waits

/** Each wait's edges: its transaction waits for each holder's transaction (a session holds no transaction). */
function waitEdges(waits) {
  const txOf = gid => (gid.lastIndexOf('.') > 0 ? gid.slice(0, gid.lastIndexOf('.')) : gid);
  return waits.flatMap(w => (w.holders || []).filter(x => x.gid).map(x => [w.transaction, txOf(x.gid)]));
}

/** Every elementary cycle of the graph, each once, from its smallest transaction. */
function waitCycles(edges) {
  const next = new Map();
  for (const [from, to] of edges) next.set(from, new Set([...(next.get(from) || []), to]));
  const found = [];
  const walk = (start, at, path) => {
    for (const to of [...(next.get(at) || [])].sort()) {
      if (to === start) found.push([...path]);
      else if (to > start && !path.includes(to) && found.length < 20) walk(start, to, [...path, to]);
    }
  };
  for (const start of [...next.keys()].sort()) walk(start, start, [start]);
  return found;
}

async function refreshWaits() {
  let reading;
  try {
    reading = await api('/api/lock-waits');
  } catch (err) {
    $('#waits-count').textContent = `unknown: ${problemText(err)}`;
    return;
  }
  const waits = reading?.waits || [];
  const missing = reading?.unreachable || [];
  $('#waits-count').textContent = `${waits.length} waiting${missing.length ? `; not read from ${missing.join(', ')}` : ''}`;
  const cycles = waitCycles(waitEdges(waits));
  fill($('#waits-cycles'), ...cycles.map(c => h('p', {}, h('strong', {}, 'Cycle: '),
    [...c, c[0]].map(id => id.slice(0, 8)).join(' → '), ' — a distributed deadlock; under the wait policy it lasts until a',
    ' prepare\'s time runs out')));
  const holder = x => (x.gid ? `${x.gid} (${String(x.kind).toLowerCase()} ${fmtAge(x.heldMs)})` : `a local session (backend ${x.backend})`);
  fill($('#waits'), waits.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'data compact' },
    h('caption', {}, 'Who waits for whom, on each participant'),
    headRow(['Participant', 'Waiting transaction', 'Waited', 'Row', 'Held by', 'Policy']),
    h('tbody', {}, waits.map(w => h('tr', {}, h('td', {}, w.participant), h('td', {}, h('code', {}, w.transaction)),
      h('td', { class: 'num' }, fmtAge(w.waitingMs)), h('td', {}, w.row || '—'),
      h('td', {}, (w.holders || []).map(x => h('div', {}, holder(x)))), h('td', {}, w.policy || '—'))))))
    : h('p', { class: 'hint' }, 'No prepare is waiting for a lock.'));
}

// ------------------------------------------------------------------- stream

function setLive(live) {
  state.live = live;
  const el = $('#live');
  el.textContent = live ? 'live' : 'reconnecting…';
  el.className = live ? 'live on' : 'live off';
}

function onStream(source, name, handler) {
  source.addEventListener(name, event => {
    let data;
    try { data = JSON.parse(event.data); } catch { return; }
    handler(data ?? {});
  });
}

function connectStream() {
  const source = new EventSource('/api/stream');
  source.onopen = () => {
    setLive(true);
    if (state.streamDropped) { // catch up on whatever happened while disconnected
      state.streamDropped = false;
      refreshOverview();
      scheduleListRefresh();
      if (state.run?.status === 'running' && state.run.runId) loadRun(state.run.runId);
    }
  };
  source.onerror = () => {
    setLive(false);
    state.streamDropped = true;
    if (source.readyState === EventSource.CLOSED) { // the browser gave up: start over
      source.close();
      setTimeout(connectStream, 5000);
    }
  };
  onStream(source, 'activity', ({ ids }) => {
    scheduleListRefresh();
    if (state.open && Array.isArray(ids) && ids.includes(state.open.id)) scheduleTimelineRefresh();
  });
  onStream(source, 'services', applyOverview);
  onStream(source, 'experiment', onExperimentLine);
  onStream(source, 'experiment-done', ({ runId }) => runId && loadRun(runId));
  onStream(source, 'restart', onRestartEvent);
}

/** Fallback polling in case events are missed. */
function tick() {
  if (document.hidden) return;
  refreshList();
  if (state.open && state.timeline && !state.timeline.final) loadTimeline(state.open.kind, state.open.id);
  if (!state.live) refreshOverview();
  if (!state.live && state.run?.status === 'running' && state.run.runId) loadRun(state.run.runId);
}

// --------------------------------------------------------------------- wire

function wire() {
  const orderProtocol = $('#order-protocol');
  const syncFlow = () => {
    const saga = orderProtocol.value === 'saga';
    $('#order-flow-field').hidden = !saga;
    $('#order-flow').disabled = !saga;
  };
  orderProtocol.addEventListener('change', syncFlow);
  syncFlow();
  $('#order-form').addEventListener('submit', submitOrder);

  const filters = $('#filters');
  filters.addEventListener('submit', event => { event.preventDefault(); refreshList(); });
  filters.addEventListener('change', event => { if (event.target.matches('select, [type=checkbox]')) refreshList(); });
  filters.addEventListener('input', event => { if (event.target.matches('[type=text], [type=search]')) scheduleListRefresh(); });

  $('#crash-service').addEventListener('change', renderCrashPoints);
  $('#crash-form').addEventListener('submit', event => { event.preventDefault(); crashAction(true); });
  $('#crash-disarm').addEventListener('click', () => crashAction(false));

  $('#restart-list').addEventListener('click', event => {
    const button = event.target.closest('button.restart-button');
    if (button) restartService(button.dataset.service);
  });

  $('#blocking-form').addEventListener('submit', event => {
    event.preventDefault();
    startExperiment({ type: 'blocking', protocol: $('#blocking-protocol').value });
  });
  $('#saga-form').addEventListener('submit', event => {
    event.preventDefault();
    startExperiment({ type: 'saga-compare', failure: $('#saga-failure').value, orders: num($('#saga-orders').value) });
  });

  // Any a.open (list, order result, report) opens its timeline in place; a click elsewhere on a row does too.
  document.addEventListener('click', event => {
    const link = event.target.closest('a.open[data-id]');
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    openItem(link.dataset.kind, link.dataset.id);
  });
  $('#activity-rows').addEventListener('click', event => {
    const row = event.target.closest('tr[data-id]');
    if (row && !event.target.closest('a, button') && !window.getSelection()?.toString()) openItem(row.dataset.kind, row.dataset.id);
  });
  window.addEventListener('popstate', openFromHash);

  new ResizeObserver(() => {
    const wrap = $('#detail .swimlane-wrap');
    if (wrap && state.timeline && Math.abs(swimlaneWidth(wrap) - state.swimlaneWidth) > 8) drawSwimlane(wrap, state.timeline);
  }).observe($('#detail'));
}

wire();
refreshOverview();
refreshList();
restoreExperiment();
openFromHash();
connectStream();
setInterval(tick, 10_000);
refreshWaits();
setInterval(() => { if (!document.hidden) refreshWaits(); }, 2_000);
