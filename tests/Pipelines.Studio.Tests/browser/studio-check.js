// Drives the real Elsa Studio page served by 'pipelines serve' in Chromium and reports what the
// rendered DOM shows as JSON on stdout; the xUnit test decides whether that is right. Progress goes to stderr,
// so a failure shows how far the page got.
// Usage: node studio-check.js '<json>' with
//   { baseUrl, userDataDir, screenshotDir, definitionId, runId, totalTimeoutMs,
//     edit: { stepId, inputLabel, value } }
'use strict';
const { chromium } = require('playwright-core');
const path = require('path');
const browserBuild = require('./browser-build');

const config = JSON.parse(process.argv[2]);
const started = Date.now();
// Studio is a Blazor WebAssembly app: its first render downloads and starts the .NET runtime in the page.
const bootTimeout = 60000;
const stepTimeout = 20000;
// Autosave fires after the editor goes quiet; a save still in flight could land after the one we saw.
const saveQuietMs = 1500;

const report = { pipelines: [], nodes: [], edges: [], fit: null, saves: [], instance: [], journalCompleted: 0, screenshots: [], external: [], errors: [], failure: null };
let written = false;
function writeReport() {
  if (written) return;
  written = true;
  process.stdout.write(JSON.stringify(report));
}
function log(message) {
  process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${message}\n`);
}

// The caller kills this process group when its own limit passes; this limit comes first so the report still arrives.
setTimeout(() => {
  report.failure = report.failure || `the check did not finish within ${config.totalTimeoutMs} ms`;
  log(report.failure);
  writeReport();
  process.exit(1);
}, config.totalTimeoutMs).unref();

// Returns measure()'s value once it is non-null and the same on three polls in a row: the designer draws nodes,
// then ports and edges, then badges, each in its own render pass.
async function settled(page, measure, description, timeout) {
  const deadline = Date.now() + timeout;
  let last = 'null';
  let same = 0;
  while (Date.now() < deadline) {
    const value = JSON.stringify(await page.evaluate(measure));
    if (value !== 'null' && value === last) {
      if (++same >= 2) return JSON.parse(value);
    } else {
      last = value;
      same = 0;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`${description} did not settle within ${timeout} ms; last seen: ${last}`);
}

// Nodes with their label (the step id) and type line (the step's display name), and edges as [source, target].
// X6 does not write an edge's ends into the DOM, so they are read from its path: an edge leaves a node's right-hand
// port and ends at another node's left-hand port. An end that is near no node's side stays null, and the test fails.
function drawnGraph() {
  const nodes = [...document.querySelectorAll('.x6-node')].map(n => {
    const m = /translate\(([-\d.]+),\s*([-\d.]+)\)/.exec(n.getAttribute('transform') || '');
    const rect = n.querySelector('rect');
    const text = selector => { const e = n.querySelector(selector); return e ? e.textContent.trim() : null; };
    return {
      id: n.getAttribute('data-cell-id'), label: text('.activity-label'), type: text('.activity-type'),
      x: m ? +m[1] : NaN, y: m ? +m[2] : NaN, w: rect ? +rect.getAttribute('width') : NaN, h: rect ? +rect.getAttribute('height') : NaN,
    };
  });
  if (nodes.length === 0 || nodes.some(n => n.label === null)) return null;
  const tolerance = 12;
  const nearest = (candidates, distance) => {
    const scored = candidates.map(n => ({ n, d: distance(n) })).filter(s => s.d <= tolerance).sort((a, b) => a.d - b.d);
    return scored.length ? scored[0].n.id : null;
  };
  const edges = [...document.querySelectorAll('.x6-edge')].map(e => {
    const numbers = ((e.querySelector('path') || { getAttribute: () => '' }).getAttribute('d') || '').match(/-?\d+(\.\d+)?/g) || [];
    if (numbers.length < 4) return [null, null];
    const [sx, sy] = numbers.slice(0, 2).map(Number);
    const [ex, ey] = numbers.slice(-2).map(Number);
    const beside = (n, y) => y >= n.y - 1 && y <= n.y + n.h + 1;
    return [
      nearest(nodes.filter(n => beside(n, sy)), n => Math.abs(n.x + n.w - sx)),
      nearest(nodes.filter(n => beside(n, ey)), n => Math.abs(n.x - ex)),
    ];
  });
  return { nodes: nodes.map(({ id, label, type }) => ({ id, label, type })), edges };
}

// Per node of the instance viewer: the badge Studio draws from the activity execution report.
function instanceBadges() {
  const nodes = [...document.querySelectorAll('.x6-node')].map(n => {
    const badge = n.querySelector('.mud-badge');
    return { id: n.getAttribute('data-cell-id'), badge: badge ? badge.textContent.trim() : null, badgeClass: badge ? badge.className : null };
  });
  return nodes.length > 0 && nodes.some(n => n.badge !== null) ? nodes : null;
}

function journalCompleted() {
  const count = (document.body.innerText.match(/ - Completed\b/g) || []).length;
  return count > 0 ? count : null;
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function screenshot(page, name) {
  const file = path.join(config.screenshotDir, name);
  await page.screenshot({ path: file, timeout: stepTimeout });
  report.screenshots.push(file);
}

// Where each node is drawn against the part of the canvas the user can see: the graph's container clipped by every
// ancestor that hides overflow and by the window. Null until the page has fitted the graph (it marks the container).
function canvasFit() {
  const canvas = document.querySelector('[data-fitted="true"]');
  if (!canvas) return null;
  const round = r => ({ left: Math.round(r.left), top: Math.round(r.top), right: Math.round(r.right), bottom: Math.round(r.bottom) });
  let visible = { left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight };
  for (let e = canvas; e && e !== document.documentElement; e = e.parentElement) {
    const style = getComputedStyle(e);
    if (e !== canvas && style.overflowX === 'visible' && style.overflowY === 'visible') continue;
    const r = e.getBoundingClientRect();
    visible = { left: Math.max(visible.left, r.left), top: Math.max(visible.top, r.top), right: Math.min(visible.right, r.right), bottom: Math.min(visible.bottom, r.bottom) };
  }
  const nodes = [...canvas.querySelectorAll('.x6-node')].map(n => ({ id: n.getAttribute('data-cell-id'), box: round(n.getBoundingClientRect()) }));
  return nodes.length ? { canvas: round(visible), nodes } : null;
}

async function main() {
  const browser = await browserBuild.locate();
  log(`launching ${browser.description}: ${browser.executablePath}`);
  const context = await chromium.launchPersistentContext(config.userDataDir, {
    executablePath: browser.executablePath, headless: true, timeout: stepTimeout, viewport: { width: 1600, height: 1000 },
    args: browser.args,
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    page.setDefaultTimeout(stepTimeout);
    page.setDefaultNavigationTimeout(stepTimeout);
    page.on('request', r => {
      const url = r.url();
      if (!url.startsWith(config.baseUrl) && !url.startsWith('blob:') && !url.startsWith('data:')) report.external.push(url);
    });
    page.on('pageerror', e => report.errors.push(String(e).substring(0, 2000)));
    page.on('console', m => { if (m.type() === 'error' && m.text().includes('Unhandled exception')) report.errors.push(m.text().substring(0, 2000)); });

    const isSave = request => request.method() === 'POST' && new URL(request.url()).pathname === '/elsa/api/workflow-definitions';
    let savesInFlight = 0;
    let lastSaveActivity = 0;
    page.on('request', r => { if (isSave(r)) { savesInFlight++; lastSaveActivity = Date.now(); } });
    const saveEnded = r => { if (isSave(r)) { savesInFlight--; lastSaveActivity = Date.now(); } };
    page.on('requestfinished', saveEnded);
    page.on('requestfailed', saveEnded);
    page.on('response', r => {
      if (isSave(r.request())) report.saves.push({ status: r.status(), carriesEdit: (r.request().postData() || '').includes(config.edit.value) });
    });

    log('opening the designer for ' + config.definitionId);
    await page.goto(config.baseUrl + '/studio?definition=' + encodeURIComponent(config.definitionId));
    await page.waitForSelector('#pipeline-list li');
    report.pipelines = await page.$$eval('#pipeline-list li', items => items.map(i => ({ id: i.dataset.definitionId, name: i.querySelector('a').textContent })));
    await page.waitForSelector('.x6-node', { timeout: bootTimeout });
    const graph = await settled(page, drawnGraph, 'the designer graph', stepTimeout);
    report.nodes = graph.nodes;
    report.edges = graph.edges;
    log(`designer drew ${graph.nodes.length} nodes and ${graph.edges.length} edges`);
    await page.waitForSelector('[data-fitted="true"]', { state: 'attached' });
    report.fit = await settled(page, canvasFit, 'the fitted canvas', stepTimeout);
    await screenshot(page, `designer-${config.definitionId}.png`);

    log(`editing ${config.edit.inputLabel} of ${config.edit.stepId}`);
    await page.click(`.x6-node[data-cell-id="${config.edit.stepId}"] .activity-label`);
    const field = page.locator('.mud-input')
      .filter({ has: page.locator('legend', { hasText: new RegExp('^' + escapeRegExp(config.edit.inputLabel) + '$') }) })
      .filter({ has: page.locator('.monaco-editor') });
    await field.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+A');
    // One input event for the whole value, as a paste makes: autosave then never sees a half-typed value.
    const saved = page.waitForResponse(r => isSave(r.request()) && (r.request().postData() || '').includes(config.edit.value));
    await page.keyboard.insertText(config.edit.value);
    await saved;
    const quietDeadline = Date.now() + stepTimeout;
    while (savesInFlight > 0 || Date.now() - lastSaveActivity < saveQuietMs) {
      if (Date.now() > quietDeadline) throw new Error(`autosave did not go quiet within ${stepTimeout} ms (${savesInFlight} in flight)`);
      await page.waitForTimeout(100);
    }
    log(`autosave done: ${report.saves.length} save(s)`);
    await screenshot(page, `designer-${config.definitionId}-edited.png`);

    log('opening the instance viewer for run ' + config.runId);
    await page.goto(config.baseUrl + '/studio?instance=' + encodeURIComponent(config.runId));
    await page.waitForSelector('.x6-node', { timeout: bootTimeout });
    report.instance = await settled(page, instanceBadges, 'the instance badges', stepTimeout);
    report.journalCompleted = await settled(page, journalCompleted, 'the instance journal', stepTimeout);
    log(`instance viewer shows ${report.instance.length} nodes and ${report.journalCompleted} completed journal entries`);
    await screenshot(page, `instance-${config.runId}.png`);
  } finally {
    await context.close();
  }
}

main()
  .catch(e => {
    report.failure = String(e && e.stack || e);
    log(report.failure);
  })
  .finally(() => {
    writeReport();
    process.exitCode = report.failure ? 1 : 0;
  });
