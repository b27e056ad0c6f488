// Drives the real Elsa Studio page served by 'pipelines serve' in Debian's Chromium and reports what the
// rendered DOM shows as JSON on stdout; the xUnit test decides whether that is right.
// Usage: node studio-check.js <baseUrl> <definitionId> <stepToEdit> <newSql> <runId> <screenshotDir>
const { chromium } = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [baseUrl, definitionId, stepToEdit, newSql, runId, screenshotDir] = process.argv.slice(2);
const bootTimeout = 180000;

async function nodesAndEdges(page) {
  return page.evaluate(() => {
    const nodes = [...document.querySelectorAll('.x6-node')].map(n => {
      const m = /translate\(([-\d.]+),\s*([-\d.]+)\)/.exec(n.getAttribute('transform') || '');
      const rect = n.querySelector('rect');
      return {
        id: n.getAttribute('data-cell-id'), text: (n.querySelector('.activity-content') || n).textContent.replace(/\s+/g, ' ').trim(),
        x: m ? +m[1] : 0, y: m ? +m[2] : 0, w: rect ? +rect.getAttribute('width') : 0, h: rect ? +rect.getAttribute('height') : 0,
      };
    });
    // An edge is drawn from a node's right-hand port to another node's left-hand port: its ends name them.
    const edges = [...document.querySelectorAll('.x6-edge')].map(e => {
      const d = e.querySelector('path').getAttribute('d');
      const numbers = d.match(/-?\d+(\.\d+)?/g).map(Number);
      const [sx, sy] = numbers.slice(0, 2);
      const [ex, ey] = numbers.slice(-2);
      const within = (n, y) => y >= n.y - 1 && y <= n.y + n.h + 1;
      const source = nodes.filter(n => within(n, sy)).sort((a, b) => Math.abs(a.x + a.w - sx) - Math.abs(b.x + b.w - sx))[0];
      const target = nodes.filter(n => within(n, ey)).sort((a, b) => Math.abs(a.x - ex) - Math.abs(b.x - ex))[0];
      return [source ? source.id : null, target ? target.id : null];
    });
    return { nodes, edges };
  });
}

(async () => {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1600, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const report = { external: [], errors: [] };
  try {
    const page = context.pages()[0] || await context.newPage();
    page.on('request', r => { if (!r.url().startsWith(baseUrl) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) report.external.push(r.url()); });
    page.on('console', m => { if (m.type() === 'error' && m.text().includes('Unhandled exception')) report.errors.push(m.text().substring(0, 2000)); });

    await page.goto(baseUrl + '/?definition=' + encodeURIComponent(definitionId));
    await page.waitForSelector('#pipeline-list li', { timeout: 30000 });
    report.pipelines = await page.$$eval('#pipeline-list li', items => items.map(i => i.dataset.definitionId));
    await page.waitForSelector('.x6-node', { timeout: bootTimeout });
    await page.waitForTimeout(1500);
    Object.assign(report, await nodesAndEdges(page));
    await page.screenshot({ path: path.join(screenshotDir, `designer-${definitionId}.png`) });

    // Edit one input in the property panel and wait for the designer's autosave to reach the server.
    await page.click(`.x6-node[data-cell-id="${stepToEdit}"] .activity-content`);
    await page.waitForSelector('.monaco-editor', { timeout: 30000 });
    const saved = page.waitForResponse(r => r.url().endsWith('/elsa/api/workflow-definitions') && r.request().method() === 'POST', { timeout: 30000 });
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(newSql);
    report.saveStatus = (await saved).status();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(screenshotDir, `designer-${definitionId}-edited.png`) });

    await page.goto(baseUrl + '/?instance=' + encodeURIComponent(runId));
    await page.waitForSelector('.x6-node', { timeout: bootTimeout });
    await page.waitForFunction(() => document.querySelectorAll('.x6-node .mud-badge').length > 0, null, { timeout: 30000 });
    await page.waitForTimeout(1000);
    report.instance = await page.evaluate(() => [...document.querySelectorAll('.x6-node')].map(n => {
      const badge = n.querySelector('.mud-badge');
      return { id: n.getAttribute('data-cell-id'), badge: badge ? badge.innerText.trim() : null, badgeClass: badge ? badge.className : null };
    }));
    report.journal = await page.evaluate(() => document.body.innerText);
    await page.screenshot({ path: path.join(screenshotDir, `instance-${runId}.png`) });
  } catch (e) {
    report.failure = String(e && e.stack || e);
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(report));
})();
