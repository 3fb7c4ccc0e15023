// End-to-end test of the playground in Debian's Chromium, driven by playwright-core.
// scripts/test-web.sh builds the app, serves web/dist and runs this with
// BASE_URL=http://127.0.0.1:PORT/ and SCREENSHOT=<path>. It also writes the timing
// of the first render to TIMINGS (JSON) when set.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';
// Run by hand (`node --test` in web/e2e), the screenshots go where the script puts them,
// into the ignored target/, not beside the test where git would pick them up.
const SCREENSHOT = process.env.SCREENSHOT ?? new URL('../../target/web-e2e.png', import.meta.url).pathname;
const executablePath = process.env.CHROMIUM ?? execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();

// Assertions that wait for the page: a click's effects are drawn by the app's reactive
// updates, so each check polls until the page shows the expected state (bounded; the
// last value seen is what a failure reports).
const WAIT_MS = 30_000;
async function eventually(read, ok, what) {
  const deadline = Date.now() + WAIT_MS;
  let last;
  for (;;) {
    last = await read();
    if (ok(last)) return last;
    if (Date.now() > deadline) assert.fail(`${what}: never satisfied within ${WAIT_MS} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const expectText = (locator, expected) =>
  eventually(() => locator.textContent(), (t) => t === expected, `${locator} has text ${JSON.stringify(expected)}`);
const expectMatch = (locator, re) => eventually(() => locator.textContent(), (t) => re.test(t ?? ''), `${locator} matches ${re}`);
const expectCount = (locator, n) => eventually(() => locator.count(), (c) => c === n, `${locator} count is ${n}`);
const sameAs = async (read, expected, what) => {
  const last = await eventually(read, (v) => JSON.stringify(v) === JSON.stringify(expected), what).catch(() => null);
  if (last === null) assert.deepEqual(await read(), expected, what);
};

let browser;
const consoleErrors = [];

// launch() gives the browser a fresh, temporary user-data-dir of its own.
before(async () => {
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
});

async function newPage(context) {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  return page;
}

async function open(page, url) {
  await page.goto(url);
  await page.locator('#app[data-ready="true"]').waitFor();
}

/// Starts the workshop's order and moves the clock by key through the payment's two
/// retries, until the package waits with its first notification timer.
async function toTheFirstTimer(page) {
  await page.getByRole('button', { name: 'Start the order workflow' }).click();
  await expectMatch(page.locator('#pending'), /attempt=1 \(try 2 of 3\)/);
  await page.locator('h1').click();
  await page.keyboard.press('t');
  await expectMatch(page.locator('#pending'), /attempt=2 \(try 3 of 3\)/);
  await page.keyboard.press('t');
  await expectMatch(page.locator('#pending'), /timer 3: fires in 180s/);
}

/// What the test compares between the original page and the shared link.
async function snapshot(page) {
  const count = (sel) => page.locator(sel).count();
  return {
    rows: await page.locator('#history tr.event td.type').allTextContents(),
    runState: await page.locator('#run-state').textContent(),
    virtualTime: await page.locator('#virtual-time').textContent(),
    notification: await page.locator('#notification').textContent(),
    currentStatus: await page.locator('#current-status').textContent(),
    query: await page.locator('#query-result').textContent(),
    cli: await page.locator('#cli').textContent(),
    position: await page.locator('#position').textContent(),
    timeline: {
      attempts: await count('#timeline [data-kind="attempt"]'),
      backoffs: await count('#timeline [data-kind="backoff"]'),
      timersStarted: await count('#timeline [data-kind="timer-started"]'),
      timersCanceled: await count('#timeline [data-kind="timer-canceled"]'),
      timersPlanned: await count('#timeline [data-kind="timer-planned"]'),
      timersFired: await count('#timeline [data-kind="timer-fired"]'),
      signals: await count('#timeline [data-kind="signal"]'),
      decisions: await count('#timeline [data-kind="decision"]'),
    },
  };
}

test('time from navigation to the first render', async () => {
  // Cold loads, each in a fresh context (empty cache and storage); the median.
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext();
    const page = await newPage(context);
    await open(page, BASE_URL);
    runs.push(await page.evaluate(async () => {
      // Let the first frame paint before reading the paint entries.
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const mounted = performance.getEntriesByName('postflow:mounted')[0];
      const fcp = performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint');
      const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'));
      return {
        mountedMs: mounted ? mounted.startTime : null,
        firstContentfulPaintMs: fcp ? fcp.startTime : null,
        wasmFetchedMs: wasm ? wasm.responseEnd : null,
      };
    }));
    await context.close();
  }
  const median = (k) => runs.map((r) => r[k]).filter((v) => v !== null).sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? null;
  const timing = { runs: runs.length, medianMountedMs: median('mountedMs'), medianFirstContentfulPaintMs: median('firstContentfulPaintMs'),
    medianWasmFetchedMs: median('wasmFetchedMs'), all: runs };
  console.log('timing', JSON.stringify(timing));
  if (process.env.TIMINGS) writeFileSync(process.env.TIMINGS, JSON.stringify(timing, null, 2));
  assert.ok(runs.every((r) => r.mountedMs > 0), 'the app marks its first render');
});

test('the life of a package, a share link and a reload', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await newPage(context);
  await open(page, BASE_URL);

  // A fresh page: nothing started.
  await expectText(page.locator('#run-state'), 'not started');

  // Bad input: an invalid amount shows an inline error and changes nothing.
  await page.getByLabel('Order amount').fill('twenty');
  await page.getByRole('button', { name: 'Start the order workflow' }).click();
  await expectMatch(page.locator('#error'), /Amount/);
  await expectCount(page.locator('#history tr.event'), 0);
  await expectText(page.locator('#run-state'), 'not started');
  await page.getByLabel('Order amount').fill('20');

  // Start the order: the payment fails once and waits for its retry.
  await page.getByRole('button', { name: 'Start the order workflow' }).click();
  await expectCount(page.locator('#error'), 0); // a success clears the error
  await expectMatch(page.locator('#pending'), /attempt=1 \(try 2 of 3\), retry in 1s.*temporary issue/);
  await expectMatch(page.locator('#cli'), /^cadence --domain cadence-workshop wf start --tasklist tasklist --execution_timeout 600 /);

  // The retry, then shipping: the notification timer is pending.
  await page.getByRole('button', { name: 'Advance the clock to the next timer or retry' }).click();
  await page.keyboard.press('t'); // the same, by shortcut
  await expectMatch(page.locator('#pending'), /timer 3: fires in 180s/);

  // Two scans: each resets the notification timer.
  for (const location of ['Delft', 'Rotterdam']) {
    await page.getByLabel('Scan location').fill(location);
    await page.getByRole('button', { name: 'Send ScanSignal with this location' }).click();
  }
  await expectText(page.locator('#cli'), `cadence --domain cadence-workshop wf signal --name ScanSignal --workflow_id Order123 --input '{"location":"Rotterdam"}'`);
  await expectText(page.locator('#notification'), 'not sent');

  // Move on to the notification.
  await page.getByRole('button', { name: 'Advance the clock to the next timer or retry' }).click();
  await expectText(page.locator('#notification'), 'sent');
  await expectMatch(page.locator('#log'), /Notification sent/);

  // Delivered, then the query.
  await page.getByRole('button', { name: 'Send DeliveredSignal' }).click();
  await expectText(page.locator('#run-state'), 'completed');
  await page.getByRole('button', { name: 'Query current_status' }).click();
  await expectText(page.locator('#query-result'), '{"delivered":true,"locationHistory":["Aarhus","Delft","Rotterdam"]}');
  await expectText(page.locator('#cli'), 'cadence --domain cadence-workshop wf query --query_type current_status --workflow_id Order123');
  await expectMatch(page.locator('#outcome'), /^completed: "Order Order123 processed successfully/);

  // The history rows.
  const types = await page.locator('#history tr.event td.type').allTextContents();
  assert.equal(types[0], 'WorkflowExecutionStarted');
  assert.equal(types.at(-1), 'WorkflowExecutionCompleted');
  const n = (t) => types.filter((x) => x === t).length;
  assert.equal(n('WorkflowExecutionSignaled'), 3);
  assert.equal(n('TimerStarted'), 3);
  assert.equal(n('TimerCanceled'), 2);
  assert.equal(n('TimerFired'), 1);
  assert.equal(n('ActivityTaskFailed'), 0, 'a retried failure is not in the history');
  await expectMatch(page.locator('#history tr.event[data-event-type="WorkflowExecutionSignaled"] td.details').first(), /ScanSignal/);

  // Click a row: its full JSON.
  await page.locator('#history tr.event[data-event-type="TimerCanceled"]').first().click();
  const eventJson = JSON.parse(await page.locator('#event-json').textContent());
  assert.ok(eventJson.eventId && eventJson.timerCanceledEventAttributes?.timerId, JSON.stringify(eventJson));

  // The timeline.
  const before = await snapshot(page);
  assert.deepEqual(before.timeline, {
    ...before.timeline,
    timersStarted: 3,
    timersCanceled: 2,
    timersPlanned: 2,
    timersFired: 1,
    signals: 3,
  });
  assert.ok(before.timeline.attempts >= 4, 'payment twice, shipping, estimate');
  assert.ok(before.timeline.backoffs >= 1, 'the payment retry backoff');
  assert.ok(before.timeline.decisions >= 5);
  assert.ok(await page.locator('#timeline rect[data-kind="attempt"][data-outcome="failed"]').count() >= 1);
  assert.ok(await page.locator('#timeline rect[data-kind="timer"][data-outcome="canceled"]').count() === 2);
  // The linear axis draws the same marks.
  await page.getByLabel('Square-root time axis').uncheck();
  await sameAs(async () => (await snapshot(page)).timeline, before.timeline, 'the linear timeline');
  await page.getByLabel('Square-root time axis').check();

  // A malformed import: an inline error, nothing changes.
  await page.getByLabel('History JSON to import').fill('{"history": {"events": [ nope');
  await page.getByRole('button', { name: 'Import the pasted history' }).click();
  await expectMatch(page.locator('#error'), /cannot import/);
  await sameAs(() => snapshot(page), before, 'the page state');
  // A history with one bad field: the error names the event and the field's path.
  const badField = [{ eventId: '1', eventTime: '2009-11-10T23:00:00Z',
    workflowExecutionStartedEventAttributes: { workflowType: { name: 'OrderProcessingWorkflowComplete' }, taskList: { name: 5 } } }];
  await page.getByLabel('History JSON to import').fill(JSON.stringify(badField));
  await page.getByRole('button', { name: 'Import the pasted history' }).click();
  await expectMatch(page.locator('#error'), /eventId 1\).*workflowExecutionStartedEventAttributes\.taskList\.name: expected a string, found 5/);
  await sameAs(() => snapshot(page), before, 'the page state');

  // Back and forward by keys, and the slider.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  const [pos, len] = before.position.split(' / ').map(Number);
  await page.keyboard.press('ArrowLeft');
  await expectText(page.locator('#position'), `${pos - 1} / ${len}`);
  await page.keyboard.press('ArrowRight');
  await expectText(page.locator('#position'), `${pos} / ${len}`);
  await page.getByLabel('Position in the timeline').fill('0');
  await expectCount(page.locator('#history tr.event'), 0);
  await page.getByLabel('Position in the timeline').fill(String(len));
  await sameAs(() => snapshot(page), before, 'the page state');

  // The share link, in a fresh browser context (no localStorage): the same state.
  const link = await page.locator('#share-link').getAttribute('href');
  assert.ok(link.includes('#'), link);
  assert.equal(new URL(page.url()).hash, new URL(link).hash, 'the address carries the state');
  const other = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const shared = await newPage(other);
  await open(shared, link);
  await sameAs(() => snapshot(shared), before, 'the shared page state');
  // A damaged link (its second action is no action) says what is wrong and loses
  // nothing: the page keeps the session it had.
  const damaged = Buffer.from(JSON.stringify({
    seed: 1, chapter: 'notification', timer_unit_secs: 60, cursor: 1,
    actions: [{ do: 'start', workflow_id: 'Order9', input: '{}', execution_timeout: '600s' }, { do: 'dance' }],
  })).toString('base64url');
  const broken = await newPage(other);
  await open(broken, `${BASE_URL}#${damaged}`);
  // It is a failure, drawn as every other (red, an alert), not as a notice of where the state came from.
  await expectText(broken.locator('#error'), 'could not open the link in the address: the link is damaged: action 1: no such action "dance"');
  assert.equal(await broken.locator('#error').getAttribute('role'), 'alert');
  await sameAs(() => snapshot(broken), before, 'the page state after a damaged link');
  // Acting is what comes next: the message about the link goes.
  await broken.getByRole('button', { name: 'Query current_status' }).click();
  await expectCount(broken.locator('#error'), 0);
  await other.close();

  // The last state survives a reload without the hash (localStorage).
  const again = await newPage(context);
  await open(again, BASE_URL);
  await sameAs(() => snapshot(again), before, 'the reloaded page state');
  await again.close();

  // A built-in scenario: loaded, rewound, stepped.
  await page.getByLabel('Built-in scenario').selectOption('scans-reset-timer');
  await page.getByRole('button', { name: 'Load the chosen scenario' }).click();
  await expectMatch(page.locator('#position'), /^0 \/ \d+$/);
  await expectMatch(page.locator('#notice'), /scans-reset-timer/);
  await page.getByRole('button', { name: 'Forward one step' }).click();
  await expectMatch(page.locator('#position'), /^1 \//);

  // Back to the finished order for the screenshot.
  await open(page, link);
  await page.locator('#history tr.event[data-event-type="TimerCanceled"]').first().click();
  mkdirSync(dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  await page.locator('#timeline').screenshot({ path: SCREENSHOT.replace(/\.png$/, '-timeline.png') });
  await context.close();

  assert.deepEqual(consoleErrors, [], 'no console errors');
});

test('export a history, import it and a real server history', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await newPage(context);
  await open(page, BASE_URL);
  await page.getByRole('button', { name: 'Start the order workflow' }).click();
  await expectMatch(page.locator('#pending'), /attempt=1 \(try 2 of 3\)/);
  // The worker already ran after the start (auto-run): Run has nothing to do and says why.
  const run = page.getByRole('button', { name: 'Run the worker until it is blocked' });
  await eventually(() => run.isDisabled(), (d) => d, 'Run is disabled while the worker waits for the clock');
  assert.match(await run.getAttribute('title'), /waits for the clock/);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('r');
  await expectMatch(page.locator('#error'), /the worker waits for the clock or a signal/);
  const rows = await page.locator('#history tr.event td.type').allTextContents();

  // Export: a download of the history JSON with the same events.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('#export-history').click(),
  ]);
  assert.equal(download.suggestedFilename(), 'Order123.history.json');
  const exported = readFileSync(await download.path(), 'utf8');
  assert.equal(JSON.parse(exported).history.events.length, rows.length);

  // Import it back: the same rows, read-only, stepping through it.
  await page.getByLabel('History JSON to import').fill(exported);
  await page.getByRole('button', { name: 'Import the pasted history' }).click();
  await sameAs(() => page.locator('#history tr.event td.type').allTextContents(), rows, 'the imported rows');
  await expectMatch(page.locator('#run-state'), /imported, event \d+ of \d+/);
  await page.keyboard.press('ArrowLeft');
  await expectCount(page.locator('#history tr.event'), rows.length - 1);

  // A history fetched from a real Cadence server (core/tests/fixtures/real), as a file.
  const real = new URL('../../core/tests/fixtures/real/happy-path.json', import.meta.url).pathname;
  await page.getByLabel('Import a history file').setInputFiles(real);
  await page.locator('#notice', { hasText: 'imported a history' }).waitFor();
  const realRows = await page.locator('#history tr.event td.type').allTextContents();
  assert.equal(realRows[0], 'WorkflowExecutionStarted');
  assert.equal(realRows.at(-1), 'WorkflowExecutionCompleted');
  assert.ok(await page.locator('#timeline [data-kind="timer-fired"]').count() >= 1);

  // An imported history survives a reload (localStorage).
  await page.reload();
  await page.locator('#app[data-ready="true"]').waitFor();
  await sameAs(() => page.locator('#history tr.event td.type').allTextContents(), realRows, 'the rows after a reload');
  await context.close();
  assert.deepEqual(consoleErrors, [], 'no console errors');
});

// Nothing on the page is wider than the window: no sideways scrolling, and no element
// (outside a box that scrolls on its own) reaching past the right edge.
async function overflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const inScroller = (e) => e.closest('.table-scroll, .timeline-scroll') && !e.matches('.table-scroll, .timeline-scroll');
    const wide = [...document.querySelectorAll('body *')]
      .filter((e) => !inScroller(e) && e.getClientRects().length > 0)
      .filter((e) => e.getBoundingClientRect().right > width + 1)
      .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className?.baseVal ?? e.className} right=${Math.round(e.getBoundingClientRect().right)}`);
    return { pageWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5) };
  });
}
const fits = (page, what) =>
  eventually(() => overflow(page), (o) => o.pageWidth <= o.width && o.wide.length === 0, `${what}: nothing wider than the window`);

test('on a phone (390x844): one column that fits, a readable timeline that scrolls, the state next to the buttons', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true });
  const page = await newPage(context);
  await open(page, BASE_URL);
  await fits(page, 'the opening page');
  // A touch screen has no keys to press: their list does not push the buttons' state and the tour down.
  await page.locator('section.actions p.keys').waitFor({ state: 'hidden' });
  await page.getByRole('button', { name: 'Start the order workflow' }).tap();
  // Two scans at once, while the payment still retries: Pending shows them unread.
  await page.getByLabel('Scan location').fill('Delft');
  await page.getByRole('button', { name: 'Send ScanSignal with this location' }).tap();
  await page.getByLabel('Scan location').fill('Lyon');
  await page.getByRole('button', { name: 'Send ScanSignal with this location' }).tap();
  await expectMatch(page.locator('#pending'), /signal 2 ScanSignal \(not read by the code yet\): \{"location":"Delft"\}, \{"location":"Lyon"\}/);
  await expectMatch(page.locator('#timeline'), /Delft.*Lyon/);

  // A tap changes what is in view: the compact status sits with the buttons.
  const next = page.getByRole('button', { name: 'Advance the clock to the next timer or retry' });
  await next.scrollIntoViewIfNeeded();
  await next.tap();
  await expectMatch(page.locator('#compact-status'), /Order123 · running · step \d+\/\d+ · /);
  const [status, button] = [await page.locator('#compact-status').boundingBox(), await next.boundingBox()];
  await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-phone-view.png') });
  assert.ok(status.y >= 0 && status.y + status.height <= 844, `the status is in view: ${JSON.stringify(status)}`);
  assert.ok(Math.abs(button.y - status.y) < 844, 'and so is the button');
  await next.tap();
  await expectMatch(page.locator('#current-status'), /"locationHistory":\["Aarhus","Delft","Lyon"\]/);
  await expectMatch(page.locator('#pending'), /^(?!.*not read by the code yet)/);

  // One column; the timeline keeps a readable size (it was drawn at a third of it, 11 px
  // labels at 4 px) and scrolls sideways in its card instead of widening the page.
  const [timeline, card] = [await page.locator('#timeline').boundingBox(), await page.locator('section.timeline').boundingBox()];
  const viewBoxWidth = await page.locator('#timeline').evaluate((e) => e.viewBox.baseVal.width);
  assert.ok(timeline.width / viewBoxWidth >= 0.75, `the timeline is drawn at ${Math.round((timeline.width / viewBoxWidth) * 100)} % of its size`);
  const sideways = await page.locator('.timeline-scroll').evaluate((e) => ({ client: e.clientWidth, scroll: e.scrollWidth }));
  assert.ok(sideways.scroll > sideways.client && sideways.client <= card.width, `the timeline scrolls in its card: ${JSON.stringify(sideways)}`);
  const label = await page.locator('#timeline text.signal-label').first().boundingBox();
  assert.ok(label.height >= 8, `a signal's label is ${label.height} px high`);
  const lefts = await page.evaluate(() => [...document.querySelectorAll('main section, main form.order')].map((e) => Math.round(e.getBoundingClientRect().left)));
  assert.equal(new Set(lefts).size, 1, `one column: every card starts at the same x: ${lefts}`);
  // The tour follows the buttons its steps ask for, before the cards for later.
  const top = async (sel) => (await page.locator(sel).boundingBox()).y;
  const [actions, guide, player] = [await top('section.actions'), await top('#guide'), await top('section.player')];
  assert.ok(actions < guide && guide < player, `actions ${actions}, tour ${guide}, play ${player}`);
  await fits(page, 'a running order');
  // The history table scrolls inside its card rather than squeezing its columns.
  const scroller = await page.locator('.table-scroll').evaluate((e) => ({ client: e.clientWidth, scroll: e.scrollWidth }));
  assert.ok(scroller.scroll > scroller.client, `the history table scrolls in its card: ${JSON.stringify(scroller)}`);
  await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-phone.png'), fullPage: true });

  // A 300-character order id wraps instead of widening the page.
  await page.getByLabel('Order id', { exact: true }).fill('x'.repeat(300));
  await page.getByRole('button', { name: 'Start the order workflow' }).tap();
  await expectMatch(page.locator('#workflow-id'), /^x{300}$/);
  await fits(page, 'a 300-character workflow id on a phone');
  await page.setViewportSize({ width: 1400, height: 1000 });
  await fits(page, 'a 300-character workflow id on a desktop');
  const desktop = await page.locator('#timeline').boundingBox();
  const desktopCard = await page.locator('section.timeline').boundingBox();
  assert.ok(desktop.x + desktop.width <= desktopCard.x + desktopCard.width + 1, 'the timeline is not clipped on a desktop');
  await context.close();
  assert.deepEqual(consoleErrors, [], 'no console errors');
});

test('acting in the middle of the timeline says what it replaced and undo puts it back; exports in three forms', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await newPage(context);
  await open(page, BASE_URL);
  await page.locator('#scenario').selectOption('scans-reset-timer');
  await page.getByRole('button', { name: 'Load the chosen scenario' }).click();
  await expectMatch(page.locator('#scenario-description'), /^scans-reset-timer: /);
  const slider = page.locator('#slider');
  const steps = await eventually(() => slider.getAttribute('max'), (m) => Number(m) > 5, 'the scenario has steps');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
  await expectMatch(page.locator('#scenario-description'), /^scans-reset-timer: /);
  await page.getByLabel('Scan location').fill('Rotterdam');
  await page.getByRole('button', { name: 'Send ScanSignal with this location' }).click();
  await expectMatch(page.locator('#replaced'), /acting at step 4 replaced the \d+ later step\(s\) of the timeline; undo puts them back/);
  await page.locator('#undo').click();
  await eventually(() => slider.getAttribute('max'), (m) => m === steps, 'every replaced step is back');
  await expectCount(page.locator('#replaced'), 0);

  // The session's commands, and the exports with the terminal's file names.
  await page.keyboard.press('End');
  await page.keyboard.press('o');
  await eventually(() => page.locator('#cli-all').getAttribute('open'), (o) => o !== null, 'o opens every command');
  assert.ok((await page.locator('#cli-all li').count()) >= 3);
  const download = async (id) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.locator(`#${id}`).click()]);
    return [d.suggestedFilename(), readFileSync(await d.path(), 'utf8')];
  };
  const [cliName, cliText] = await download('export-cli-history');
  assert.equal(cliName, 'Order123.cli-history.json');
  const events = JSON.parse(cliText);
  assert.equal(typeof events[0].eventId, 'number');
  assert.equal(events[0].eventType, 'WorkflowExecutionStarted');
  const [scriptName, script] = await download('export-script');
  assert.equal(scriptName, 'Order123.replay.sh');
  assert.match(script, /^#!\/bin\/sh\n/);
  assert.match(script, /cadence --domain cadence-workshop wf signal --name ScanSignal --workflow_id Order123/);
  await context.close();
  assert.deepEqual(consoleErrors, [], 'no console errors');
});

test('the guided tour through chapters 2 and 7, predictions, live time and a reload', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await newPage(context);
  await open(page, BASE_URL);
  const position = page.locator('#tour-position');
  await expectText(position, 'Tour · chapter 1 of 7 · step 1 of 2');
  const start = () => page.getByRole('button', { name: 'Start the order workflow' }).click();
  const nextTimer = () => page.getByRole('button', { name: 'Advance the clock to the next timer or retry' }).click();
  const scan = async (location) => {
    await page.getByLabel('Scan location').fill(location);
    await page.getByRole('button', { name: 'Send ScanSignal with this location' }).click();
  };

  // Chapter 2: skip chapter 1, open the chapter's own workflow.
  await page.locator('#tour-next').click();
  await page.locator('#tour-next').click();
  await expectText(position, 'Tour · chapter 2 of 7 · step 1 of 4');
  await expectMatch(page.locator('#tour-hint'), /This chapter runs its own workflow/);
  await page.locator('#tour-chapter').click();
  await expectMatch(page.locator('#notice'), /chapter 2's workflow \(retries\)/);
  await expectCount(page.locator('#tour-hint'), 0);

  // Predict, then act: the action answers the prediction.
  await page.locator('#choice-2').click();
  await page.locator('#choice-2[aria-pressed="true"]').waitFor();
  await start();
  await expectText(position, 'Tour · chapter 2 of 7 · step 2 of 4');
  await expectMatch(page.locator('#reveal'), /✓ right \(you chose 2\)/);
  await expectMatch(page.locator('#pending'), /attempt=1 \(try 2 of 3\)/);
  await nextTimer();
  await expectText(position, 'Tour · chapter 2 of 7 · step 3 of 4');
  // A prediction by key, then the third attempt.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('3');
  await page.locator('#choice-3[aria-pressed="true"]').waitFor();
  await nextTimer();
  await expectText(position, 'Tour · chapter 2 of 7 · step 4 of 4');
  await expectMatch(page.locator('#reveal'), /✓ right \(you chose 3\)/);
  // An order of 30: a wrong prediction this time.
  await page.locator('#choice-1').click();
  await page.locator('#choice-1[aria-pressed="true"]').waitFor();
  await page.getByLabel('Order amount').fill('30');
  await start();
  await nextTimer();
  await nextTimer();
  await expectText(position, 'Tour · chapter 3 of 7 · step 1 of 5');
  await expectMatch(page.locator('#reveal'), /✗ not this time \(you chose 1\); the answer was 2/);
  await expectMatch(page.locator('#tour-scores'), /2: 2\/3/);
  await page.getByLabel('Order amount').fill('20');

  // Chapter 7.
  for (let i = 0; i < 30; i++) {
    if ((await position.textContent()) === 'Tour · chapter 7 of 7 · step 1 of 5') break;
    await page.locator('#tour-next').click();
    await new Promise((r) => setTimeout(r, 20));
  }
  await expectText(position, 'Tour · chapter 7 of 7 · step 1 of 5');
  await page.locator('#tour-chapter').click();
  await start();
  await nextTimer();
  await nextTimer();
  await expectText(position, 'Tour · chapter 7 of 7 · step 2 of 5');
  await expectMatch(page.locator('#prediction'), /You are about to scan the package while the notification timer is running/);
  await page.locator('#choice-2').click();
  await page.locator('#choice-2[aria-pressed="true"]').waitFor();
  await scan('Delft');
  await expectText(position, 'Tour · chapter 7 of 7 · step 3 of 5');
  await expectMatch(page.locator('#reveal'), /✓ right/);

  // The explanation beside the event JSON, with its related events highlighted.
  await page.locator('#history tr.event[data-event-type="TimerCanceled"]').first().click();
  await expectMatch(page.locator('#explanation'), /updateTimeout/);
  await expectMatch(page.locator('#code-line'), /core\/src\/postal\/workflow\.rs:\d+/);
  await expectCount(page.locator('#history tr.event.related'), 3);
  await eventually(() => page.locator('#timeline .related').count(), (c) => c >= 2, 'related timeline marks');
  await expectMatch(page.locator('#stack-trace'), /blocked on selector-1\.Select/);
  // A related event is a button that selects it.
  await page.locator('#explanation button.related[data-related-id="24"]').click();
  await expectMatch(page.locator('#explanation'), /^24 WorkflowExecutionSignaled/);
  mkdirSync(dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-tour.png'), fullPage: true });

  // At phone width the tour and the explanation fit the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  for (const sel of ['#guide', '#explanation']) {
    const box = await eventually(() => page.locator(sel).boundingBox(), (b) => b && b.width <= 390, `${sel} fits 390 px`);
    assert.ok(box.width <= 390, `${sel} is ${box.width} px wide`);
    const overflow = await page.locator(sel).evaluate((e) => e.scrollWidth - e.clientWidth);
    assert.ok(overflow <= 1, `${sel} overflows by ${overflow} px`);
  }
  await fits(page, 'the tour and an explanation at 390 px');
  await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-tour-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1400, height: 1000 });

  // The rest of chapter 7.
  await page.locator('#choice-2').click();
  await page.locator('#choice-2[aria-pressed="true"]').waitFor();
  await nextTimer();
  await expectText(position, 'Tour · chapter 7 of 7 · step 4 of 5');
  await page.locator('#choice-3').click();
  await page.locator('#choice-3[aria-pressed="true"]').waitFor();
  await scan('Lyon');
  await expectText(position, 'Tour · chapter 7 of 7 · step 5 of 5');
  await page.getByRole('button', { name: 'Send DeliveredSignal' }).click();
  await expectText(position, 'Tour · finished');
  await expectMatch(page.locator('#tour-scores'), /7: 3\/3/);
  // The last chapter sends no one to a next chapter that is not there.
  await expectText(page.locator('#notice'), 'tour: chapter 7, step 5 of 5 done ✓ — the tour is finished: your score per chapter is in the tour panel');

  // A reload finds the progress kept (localStorage).
  await page.reload();
  await page.locator('#app[data-ready="true"]').waitFor();
  await expectText(position, 'Tour · finished');
  await expectMatch(page.locator('#tour-scores'), /2: 2\/3 .*7: 3\/3/);

  // Live time: the payment's retries and the shipping happen with no click on the clock.
  await start();
  await expectMatch(page.locator('#pending'), /attempt=1 \(try 2 of 3\)/);
  await page.locator('#live').click();
  await expectText(page.locator('#player'), '● live ×10');
  await eventually(() => page.locator('#history tr.event[data-event-type="TimerStarted"]').count(), (c) => c === 1, 'the timer started in live time');
  await page.locator('#live').click();
  await expectMatch(page.locator('#player'), /^paused/);
  await context.close();
  assert.deepEqual(consoleErrors, [], 'no console errors');
});

test('a keyboard user presses focused buttons and opens history rows; an empty history is not exported', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await newPage(context);
  await open(page, BASE_URL);
  const exportButton = page.locator('#export-history');
  assert.ok(await exportButton.isDisabled(), 'nothing to export on a fresh page');
  assert.equal(await exportButton.getAttribute('title'), 'the history is empty');
  for (const id of ['#export-history', '#export-cli-history', '#export-script']) {
    assert.ok(await page.locator(id).isDisabled(), `${id}: nothing to export`);
    assert.equal(await page.locator(id).getAttribute('title'), 'the history is empty', id);
  }
  assert.ok(await page.locator('#play-toggle').isDisabled());
  assert.match(await page.locator('#play-toggle').getAttribute('title'), /start an order first/, 'a disabled button says why');
  await page.getByRole('button', { name: 'Start the order workflow' }).click();
  await expectMatch(page.locator('#pending'), /attempt=1 \(try 2 of 3\)/);
  assert.ok(!(await exportButton.isDisabled()), 'a history to export');
  assert.equal(await page.locator('#export-script').getAttribute('title'), 'Order123.replay.sh', 'its file name, once there is a history');
  // Space on the focused Query button asks the query; it is not the page's play key.
  await page.locator('#query').focus();
  await page.keyboard.press(' ');
  await expectMatch(page.locator('#query-result'), /"locationHistory"/);
  assert.match(await page.locator('#player').textContent(), /^paused/);
  // Enter on a focused history row opens its JSON, as a click does.
  await page.locator('#history tr.event[data-event-id="1"]').focus();
  await page.keyboard.press('Enter');
  await expectMatch(page.locator('#event-json'), /workflowExecutionStartedEventAttributes/);
  // Escape closes it again, wherever the page is scrolled.
  await page.keyboard.press('Escape');
  await eventually(() => page.locator('#event-detail').count(), (c) => c === 0, 'Escape closed the event JSON');
  await context.close();
});

test('a fleet runs in the page without freezing it, and a package opens in the single view', async () => {
  const context = await browser.newContext();
  const page = await newPage(context);
  await open(page, BASE_URL);
  // A count the page cannot run is refused in words, and nothing runs.
  await page.locator('#fleet-packages').fill('0');
  await page.locator('#fleet-run').click();
  await expectText(page.locator('#fleet-error'), 'packages: must be at least 1 (got 0)');
  assert.equal(await page.locator('#fleet-summary').count(), 0, 'no fleet ran');
  // Typed key by key, as a person types: what was typed stays and is answered, it
  // does not turn into another number ("2.5" ran 52 packages in a number field).
  await page.locator('#fleet-packages').fill('');
  await page.locator('#fleet-packages').pressSequentially('2.5');
  assert.equal(await page.locator('#fleet-packages').inputValue(), '2.5');
  await page.locator('#fleet-run').click();
  await expectText(page.locator('#fleet-error'), 'packages: must be a whole number (got 2.5)');
  assert.equal(await page.locator('#fleet-summary').count(), 0, 'no fleet ran');
  // Enter in the count runs the fleet, as the button does. A small fleet has intervals in
  // which no decision task ran: they have no cache hit rate, and the chart does not
  // draw them as 0 % (it did: the line fell to the bottom near the end of the run).
  await page.locator('#fleet-packages').fill('300');
  await page.locator('#fleet-packages').press('Enter');
  await expectText(page.locator('#fleet-progress'), 'done: 300 packages');
  const cache = (await page.locator('#fleet-cache polyline').getAttribute('points')).split(' ').map((p) => Number(p.split(',')[1]));
  assert.ok(cache.length > 24 && cache.every((y) => y < 86), `no interval of the cache chart is at 0 %: ${cache.filter((y) => y >= 86).length} are`);
  // The list says what it holds and what a click does.
  await expectMatch(page.locator('#fleet-table-hint'), /^The first 200 packages .*; click one to open its history in the view above\.$/);
  await page.locator('#fleet-packages').fill('1500');
  await page.locator('#fleet-run').click();
  // The run is chunked: the page shows progress while it works, and answers meanwhile
  // (each read below is a round trip through the page's own thread).
  const seen = new Set();
  await eventually(
    async () => {
      const t = await page.locator('#fleet-progress').textContent();
      seen.add(t);
      return t;
    },
    (t) => t === 'done: 1,500 packages',
    'the fleet finishes',
  );
  const running = [...seen].filter((t) => t.startsWith('running:'));
  assert.ok(running.length >= 2, `the page showed progress more than once while the fleet ran: ${JSON.stringify([...seen])}`);
  // Every number of the section groups its thousands as the summary does ("1,938"; the
  // progress, the charts' tops and the shards' spread said "1938").
  const count = String.raw`\d{1,3}(?:,\d{3})*`;
  for (const t of running) assert.match(t, new RegExp(`^running: ${count} of 1,500 packages done$`));
  await expectMatch(page.locator('#fleet-summary'), new RegExp(`completed, ${count} failed .* timers? live at the peak`));
  // The timers chart counts timers: its top is a whole number, grouped as the summary's peak.
  const peak = (await page.locator('#fleet-summary').textContent()).match(new RegExp(`· (${count}) timers? live at the peak`))[1];
  const timersTitle = await page.locator('#fleet-timers').locator('xpath=preceding-sibling::h3[1]').textContent();
  assert.match(timersTitle, new RegExp(`^timers live .*; top ${count}\\)$`));
  assert.ok(peak.includes(',') && timersTitle.includes(','), `a peak in the thousands is grouped in the summary (${peak}) and the chart's top: ${timersTitle}`);
  // Each chart draws its series in a colour a person can see (a polyline is drawn
  // with no stroke unless the page gives it one).
  for (const id of ['#fleet-events', '#fleet-timers', '#fleet-cache']) {
    const line = page.locator(`${id} polyline`);
    assert.ok((await line.getAttribute('points')).split(' ').length > 24, `${id} draws a series over virtual time`);
    const stroke = await line.evaluate((e) => getComputedStyle(e).stroke);
    assert.ok(stroke !== 'none' && stroke !== 'rgba(0, 0, 0, 0)', `${id}'s line is drawn: stroke ${stroke}`);
  }
  assert.ok((await page.locator('#fleet-shards rect.bar').count()) >= 6, 'the shards histogram has bars');
  const [low, high] = await page.locator('#fleet-shards text').allTextContents();
  assert.match(low, /^\d{1,3}(,\d{3})+$/, 'a shard carries thousands of events, grouped');
  assert.match(await page.locator('#fleet-shards-title').textContent(), new RegExp(`min ${low} / median ${count} / max ${high.replace(' events', '')}$`), 'the histogram\'s ends are the spread the heading gives');
  for (const t of await page.locator('#fleet-shards rect.bar title').allTextContents()) {
    assert.match(t, new RegExp(`^(1 shard|${count} shards) with ${count}\\+ events$`));
  }
  await expectCount(page.locator('#fleet-packages-table tr.package'), 200);
  await page.locator('#fleet').screenshot({ path: SCREENSHOT.replace(/\.png$/, '-fleet.png') });
  // The charts and the package table fit a phone too (the section is part of every page).
  await page.setViewportSize({ width: 390, height: 844 });
  await fits(page, 'a finished fleet on a phone');
  await page.setViewportSize({ width: 1280, height: 720 });

  // A click on a package opens its history in the single-workflow view.
  const row = page.locator('#fleet-packages-table tr.package[data-status="completed"]').first();
  const name = await row.locator('td.id').textContent();
  await row.click();
  // The notice names the package, and it is in view; the status line says its workflow ID.
  const notice = page.locator('#notice', { hasText: 'imported a history' });
  await expectMatch(notice, new RegExp(`^fleet package ${name} \\(shard \\d+\\): imported a history of \\d+ events`));
  await expectMatch(page.locator('#workflow-id'), new RegExp(`^${name}$`));
  await eventually(() => notice.boundingBox(), (b) => b && b.y >= 0 && b.y + b.height <= 720, 'the notice about the opened package is in view');
  const types = await page.locator('#history tr.event td.type').allTextContents();
  assert.equal(types[0], 'WorkflowExecutionStarted');
  assert.equal(types.at(-1), 'WorkflowExecutionCompleted');
  assert.ok(types.includes('WorkflowExecutionSignaled'), 'the package was scanned');
  // Days of a package's life read as the terminal says them ("62h 42m"), not as
  // nanoseconds ("225723.340462642s").
  await expectMatch(page.locator('#elapsed'), /^\d+h \d+m$/);
  await context.close();
  assert.deepEqual(consoleErrors, [], 'no console errors');
});

test('what a newcomer reaches for: copy says whether it copied, Enter sends a scan, a clicked event shows its explanation', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await newPage(context);
  await open(page, BASE_URL);
  await page.getByRole('button', { name: 'Start the order workflow' }).click();
  // Enter in the location field sends the scan, as the button next to it does.
  await page.getByLabel('Scan location').fill('Paris');
  await page.getByLabel('Scan location').press('Enter');
  await expectMatch(page.locator('#cli'), /ScanSignal .*"location":"Paris"/);

  // A copy button says that it copied (it said nothing), and the clipboard holds it.
  await page.getByRole('button', { name: 'Copy the share link' }).click();
  await expectText(page.locator('#copy-link-said'), 'copied ✓');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await page.locator('#share-link').getAttribute('href'));
  await page.getByRole('button', { name: 'Copy the CLI command' }).click();
  await expectText(page.locator('#copy-cli-said'), 'copied ✓');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await page.locator('#cli').textContent());
  // The y key has no button: the message line says it.
  await page.locator('h1').click();
  await page.keyboard.press('y');
  await expectText(page.locator('#notice'), 'the last cadence command: copied ✓');

  // A clicked history row shows why the event is there; the explanation is drawn below
  // the whole table, so the page brings it into view.
  await page.getByLabel('Built-in scenario').selectOption('happy-path');
  await page.getByRole('button', { name: 'Load the chosen scenario' }).click();
  await page.keyboard.press('End');
  await expectCount(page.locator('#history tr.event'), 44);
  const row = page.locator('#history tr.event[data-event-id="5"]');
  await row.scrollIntoViewIfNeeded();
  await row.click();
  const explanation = page.locator('#explanation');
  await expectMatch(explanation, /^5 ActivityTaskScheduled/);
  await eventually(() => explanation.boundingBox(), (b) => b && b.y >= 0 && b.y < 800, 'the explanation of the clicked event is in view');
  await context.close();

  // Where the browser gives the page no clipboard (plain http from another machine),
  // the button says so instead of doing nothing.
  const bare = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true });
  await bare.addInitScript(() => Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined }));
  const phone = await newPage(bare);
  await open(phone, BASE_URL);
  await phone.getByRole('button', { name: 'Copy the share link' }).tap();
  await expectMatch(phone.locator('#copy-link-said'), /did not let the page copy/);
  await bare.close();
  assert.deepEqual(consoleErrors, [], 'no console errors');
});

test('the second newcomer walk: fleet rows by keyboard, a pasted damaged link, live time needs a workflow, undo after a chapter replaced a session', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await newPage(context);
  await open(page, BASE_URL);

  // Live time on an empty page would show "live" and do nothing: it is disabled with the
  // reason, as play is, and its key says why.
  const live = page.locator('#live');
  await eventually(() => live.isDisabled(), (d) => d, 'live time is disabled on an empty page');
  assert.equal(await live.getAttribute('title'), 'no workflow yet: start an order first (s)');
  await page.locator('h1').click();
  await page.keyboard.press('L');
  await expectText(page.locator('#error'), 'no workflow yet: start an order first (s)');
  assert.match(await page.locator('#player').textContent(), /^paused/);
  await page.getByRole('button', { name: 'Start the order workflow' }).click();
  await eventually(() => live.isDisabled(), (d) => !d, 'live time once the order runs');
  await page.getByLabel('Scan location').fill('Delft');
  await page.getByRole('button', { name: 'Send ScanSignal with this location' }).click();
  await expectMatch(page.locator('#cli'), /ScanSignal .*"location":"Delft"/);
  const rows = await page.locator('#history tr.event').count();
  const good = new URL(page.url()).hash;
  assert.ok(good.length > 1, 'the address carries the session');

  // A damaged link pasted into the address bar: the error shows, the session stays, and
  // the address goes back to the session's link, so a reload or a copy does not carry
  // the damaged one on.
  await page.evaluate(() => { location.hash = 'this-is-no-link!'; });
  await expectMatch(page.locator('#error'), /^could not open the link: the link is damaged/);
  await eventually(() => new URL(page.url()).hash, (h) => h === good, 'the address holds the session again');
  await expectCount(page.locator('#history tr.event'), rows);
  await page.reload();
  await page.locator('#app[data-ready="true"]').waitFor();
  await expectText(page.locator('#notice'), 'restored your last session');
  await expectCount(page.locator('#error'), 0);
  await expectCount(page.locator('#history tr.event'), rows);

  // T opens the tour chapter's fresh session; undo (its button beside the buttons' state,
  // or u) brings the replaced one back, also after a second T (the empty chapter
  // session is nothing to go back to).
  await page.locator('h1').click();
  await page.keyboard.press('T');
  await expectMatch(page.locator('#notice'), /^tour: chapter 1's workflow/);
  await expectCount(page.locator('#history tr.event'), 0);
  await page.keyboard.press('T');
  await expectText(page.locator('#replaced'), 'a new session replaced yours; undo puts it back Undo');
  await page.locator('#undo').click();
  await expectText(page.locator('#notice'), 'your session is back');
  await expectCount(page.locator('#history tr.event'), rows);
  await expectMatch(page.locator('#cli'), /ScanSignal .*"location":"Delft"/);
  await expectCount(page.locator('#replaced'), 0);
  await page.locator('h1').click();
  await page.keyboard.press('T');
  await expectCount(page.locator('#history tr.event'), 0);
  await page.keyboard.press('u');
  await expectCount(page.locator('#history tr.event'), rows);
  // A start in the chapter's (empty) session keeps the way back: one click on Start
  // does not cost the session that took a while to build.
  await page.keyboard.press('T');
  await page.locator('#replaced').waitFor();
  await page.getByRole('button', { name: 'Start the order workflow' }).click();
  await eventually(() => page.locator('#history tr.event').count(), (n) => n > 0 && n !== rows, "chapter 1's run");
  await page.locator('#replaced').waitFor();
  // Chapter 1's code registers no query handler: the refusal says so, and why.
  await page.locator('#query').click();
  await expectMatch(page.locator('#error'), /unknown queryType current_status/);
  await expectMatch(page.locator('#error-why'), /registered no handler for that query/);
  await page.locator('#undo').click();
  await expectText(page.locator('#notice'), 'your session is back');
  await expectCount(page.locator('#history tr.event'), rows);

  // The fleet's packages are reached with Tab and opened with Enter, as with a click.
  await page.locator('#fleet-packages').fill('40');
  await page.locator('#fleet-run').click();
  await expectText(page.locator('#fleet-progress'), 'done: 40 packages');
  await page.locator('#fleet-run').focus();
  const focusedRow = () => page.evaluate(() => document.activeElement?.closest('tr.package')?.querySelector('td.id')?.textContent ?? null);
  let name = null;
  for (let i = 0; i < 5 && name === null; i++) {
    await page.keyboard.press('Tab');
    name = await focusedRow();
  }
  assert.ok(name, 'Tab from the run button reaches a package');
  await page.keyboard.press('Enter');
  await expectMatch(page.locator('#notice'), new RegExp(`^fleet package ${name} \\(shard \\d+\\): imported a history`));
  await context.close();
  assert.deepEqual(consoleErrors, [], 'no console errors');
});

test('the third newcomer walk: the page while it loads, a tap on a greyed button says why, stale refusals go, the tour keeps the keyboard focus, import and the fleet in plain words', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await newPage(context);

  // While the WebAssembly loads the page says so (it was blank), and the line goes once
  // the app has drawn itself.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route(/\.wasm$/, async (route) => { await held; await route.continue(); });
  await page.goto(BASE_URL);
  await expectMatch(page.locator('#loading'), /^Loading the simulated Cadence server .*If this line stays, the page could not start/);
  assert.ok(await page.locator('#loading').isVisible(), 'the loading line shows while the wasm loads');
  release();
  await page.locator('#app[data-ready="true"]').waitFor();
  await eventually(() => page.locator('#loading').isVisible(), (v) => !v, 'the loading line is gone once the app is drawn');
  await page.unroute(/\.wasm$/);

  // A button that makes no sense now looks disabled and says so to assistive technology,
  // but a tap on it says why (a disabled button swallowed the tap: its reason was only a
  // tooltip, which a touch screen never shows). Playwright's click waits for an enabled
  // button, so the tap is forced, as a person's finger is.
  const scan = page.locator('#scan');
  assert.ok(await scan.isDisabled(), 'Scan is marked disabled on an empty page');
  await scan.click({ force: true });
  await expectText(page.locator('#action-error'), 'no workflow yet: start an order first (s)');
  await page.locator('#export-script').click({ force: true });
  await expectText(page.locator('#error'), 'the history is empty');

  // A refusal is about its moment: the next command that works takes it away, as the
  // terminal's message line does (it stayed, red, over a step back).
  await page.getByRole('button', { name: 'Start the order workflow' }).click();
  await expectMatch(page.locator('#pending'), /attempt=1 \(try 2 of 3\)/);
  await page.locator('#step').click({ force: true });
  await expectMatch(page.locator('#error'), /^the worker waits for the clock/);
  await page.locator('h1').click();
  await page.keyboard.press('h');
  await expectText(page.locator('#position'), '3 / 4');
  await expectCount(page.locator('#error'), 0);

  // Import with nothing pasted says so (it said "the file is empty" with no file picked).
  await page.locator('#import').click();
  await expectText(page.locator('#error'), 'nothing to import: paste a history JSON into the box first, or pick a file');
  // A picked file is imported, and the picker is emptied, so that picking the same file
  // again is heard (it was not: the second pick of a file did nothing).
  const realHistory = new URL('../../core/tests/fixtures/real/happy-path.json', import.meta.url).pathname;
  await page.locator('#import-file').setInputFiles(realHistory);
  await expectText(page.locator('#notice'), 'imported a history of 44 events; step back and forth through it');
  assert.equal(await page.locator('#import-file').inputValue(), '', 'the picker is ready for the same file again');
  // Read as the terminal app reads a history file: UTF-16 with its byte order mark, as
  // Windows PowerShell's `>` writes it, and a binary file named as one (it was "not
  // valid JSON").
  // (Another history than the one just imported, so that the notice is this import's.)
  const failed = new URL('../../core/tests/fixtures/real/amount-over-25.json', import.meta.url).pathname;
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(failed, 'utf8'), 'utf16le')]);
  await page.locator('#import-file').setInputFiles({ name: 'history.json', mimeType: 'application/json', buffer: utf16 });
  await expectText(page.locator('#notice'), 'imported a history of 11 events; step back and forth through it');
  await page.locator('#import-file').setInputFiles({ name: 'history.gz', mimeType: 'application/gzip', buffer: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xc3, 0x28]) });
  await expectMatch(page.locator('#import-said'), /^not a text file \(byte 2 on line 1 is no UTF-8 character\); a history is JSON text/);

  // The tour's buttons keep the keyboard focus: the panel is drawn anew on each press,
  // and the focus fell to the page, so a second Enter did nothing and a second Space
  // played the session instead of stepping the tour.
  const position = page.locator('#tour-position');
  const focusedId = () => page.evaluate(() => document.activeElement?.id ?? null);
  await expectText(position, 'Tour · chapter 1 of 7 · step 1 of 2');
  await page.locator('#tour-next').focus();
  await page.keyboard.press('Enter');
  await expectText(position, 'Tour · chapter 1 of 7 · step 2 of 2');
  await eventually(focusedId, (id) => id === 'tour-next', 'the focus is back on "step ▶"');
  await page.keyboard.press('Enter');
  await expectText(position, 'Tour · chapter 2 of 7 · step 1 of 4');
  await eventually(focusedId, (id) => id === 'tour-next', 'the focus is back on "step ▶"');
  await page.keyboard.press(' ');
  await expectText(position, 'Tour · chapter 2 of 7 · step 2 of 4');
  assert.match(await page.locator('#player').textContent(), /^paused/, 'Space stepped the tour, it did not play');
  // The focus is given back a frame after the press: wait for it before moving it on (a
  // late return took it from the chapter's button below on a loaded machine).
  await eventually(focusedId, (id) => id === 'tour-next', 'the focus is back on "step ▶" after Space');
  // The chapter's button goes once pressed: the focus stays in the tour panel.
  await page.locator('#tour-chapter').focus();
  await page.keyboard.press('Enter');
  await expectMatch(page.locator('#notice'), /^tour: chapter 2's workflow/);
  await eventually(focusedId, (id) => id === 'guide', 'the focus stays in the tour panel');

  // A fleet of one: "1 package", and a chart's top is a number that is not 0 when its
  // line rises ("top 0.0" sat over a line with peaks).
  await page.locator('#fleet-packages').fill('1');
  await page.locator('#fleet-run').click();
  await expectText(page.locator('#fleet-progress'), 'done: 1 package');
  const eventsTitle = await page.locator('#fleet-events').locator('xpath=preceding-sibling::h3[1]').textContent();
  assert.match(eventsTitle, /; top 0\.0*[1-9]\d*\)$/, `the events chart's top says its value: ${eventsTitle}`);

  // On a phone the status's names stay whole ("current_status" broke into "current_statu"
  // and "s"), and signals close in time keep their labels apart on the timeline (a third
  // label was written over the first: "Delftdelivered").
  await page.getByLabel('Built-in scenario').selectOption('signal-during-activity');
  await page.getByRole('button', { name: 'Load the chosen scenario' }).click();
  await page.locator('h1').click();
  await page.keyboard.press('End');
  await expectText(page.locator('#run-state'), 'completed');
  await page.setViewportSize({ width: 390, height: 844 });
  // The lines a name's text takes (a grid row is as high as its answer: the box says nothing).
  const lines = () =>
    page.locator('#status dt').evaluateAll((dts) =>
      dts.map((d) => {
        const r = document.createRange();
        r.selectNodeContents(d);
        return new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size;
      }),
    );
  await eventually(lines, (ls) => ls.length === 8 && ls.every((n) => n === 1), 'every name of the status is one line at 390 px');
  const boxes = await page.locator('#timeline text.signal-label').evaluateAll((ts) =>
    ts.map((t) => { const b = t.getBBox(); return { y: b.y, x1: b.x, x2: b.x + b.width, text: t.textContent }; }),
  );
  assert.deepEqual(boxes.map((b) => b.text), ['Delft', 'Rotterdam', 'delivered']);
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) {
      const apart = a.y !== b.y || a.x2 <= b.x1 || b.x2 <= a.x1;
      assert.ok(apart, `the labels ${a.text} and ${b.text} overlap: ${JSON.stringify(boxes)}`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });

  // Both damaged saves are said (the session's problem was lost under the tour's).
  await page.evaluate(() => {
    localStorage.setItem('postflow.state', 's:this-is-no-session');
    localStorage.setItem('postflow.tour', 'no tour here');
  });
  await page.goto(BASE_URL);
  await page.locator('#app[data-ready="true"]').waitFor();
  // The saved session's problem in words that fit it (they spoke of a link to copy again).
  await expectText(
    page.locator('#error'),
    'could not restore the last session saved in this browser (it is damaged, or from another version of the page): this is a new one; the saved tour progress is damaged (it does not begin with "postflow tour 1"); starting over',
  );
  await context.close();
  assert.deepEqual(consoleErrors, [], 'no console errors');
});

test('terminate: with a reason, the closed workflow refuses, the link keeps it, back and undo', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await newPage(context);
  await open(page, BASE_URL);
  const types = () => page.locator('#history tr.event td.type').allTextContents();
  const terminated = page.locator('#history tr.event[data-event-type="WorkflowExecutionTerminated"]');
  const terminate = page.locator('#terminate');

  // Not before a workflow runs: the control looks disabled and says why.
  assert.equal(await terminate.getAttribute('aria-disabled'), 'true');
  assert.equal(await terminate.getAttribute('title'), 'no workflow yet: start an order first (s)');

  // The order runs until it waits for a scan or its notification timer.
  await toTheFirstTimer(page);
  await eventually(() => terminate.getAttribute('title'), (t) => /^Terminate the workflow .*\(key X\)$/.test(t ?? ''), 'terminate names its key');

  // Terminated with a reason: the server closes the run, its code not asked.
  await page.getByLabel('Terminate or cancel reason').fill('lost in the post');
  await page.getByRole('button', { name: 'Terminate the workflow (cadence wf terminate) with this reason' }).click();
  await expectCount(terminated, 1);
  assert.equal((await types()).at(-1), 'WorkflowExecutionTerminated');
  await expectText(page.locator('#run-state'), 'terminated');
  await expectText(page.locator('#outcome'), 'terminated: lost in the post');
  await expectText(page.locator('#cli'), "cadence --domain cadence-workshop wf terminate --workflow_id Order123 --reason 'lost in the post'");
  await expectMatch(terminated.locator('td.details'), /lost in the post/);
  // The event explains itself.
  await terminated.click();
  await expectMatch(page.locator('#explanation'), /WorkflowExecutionTerminated[\s\S]*terminated[\s\S]*cadence wf terminate/);

  // A closed workflow takes no scan and no second terminate: both look disabled with the reason.
  await expectMatch(page.locator('#compact-status'), /^Order123 · terminated · step (\d+)\/\1 · terminated: the server closed the workflow without asking its code$/);
  assert.equal(await page.locator('#scan').getAttribute('aria-disabled'), 'true');
  assert.match(await page.locator('#scan').getAttribute('title'), /^the workflow has been terminated: Cadence refuses signals/);
  assert.equal(await terminate.getAttribute('aria-disabled'), 'true');
  const refusal = await terminate.getAttribute('title');
  assert.match(refusal, /^the workflow has been terminated: Cadence refuses .*terminate/);
  // X says why, and writes nothing.
  const closed = await types();
  await page.locator('h1').click();
  await page.keyboard.press('X');
  await expectText(page.locator('#action-error'), refusal);
  assert.deepEqual(await types(), closed);

  // The share link opens the terminated workflow.
  const link = await page.locator('#share-link').getAttribute('href');
  const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const shared = await newPage(other);
  await open(shared, link);
  await expectText(shared.locator('#outcome'), 'terminated: lost in the post');
  await sameAs(() => shared.locator('#history tr.event td.type').allTextContents(), closed, 'the shared history');
  await other.close();

  // Back one step: the workflow runs again, and takes a scan.
  await page.keyboard.press('ArrowLeft');
  await expectText(page.locator('#run-state'), 'running');
  await expectCount(terminated, 0);
  await eventually(() => page.locator('#scan').getAttribute('aria-disabled'), (v) => v === null, 'scan is enabled again');
  // A scan there replaces the terminate; undo puts it back, one step ahead.
  await page.getByRole('button', { name: 'Send ScanSignal with this location' }).click();
  await expectMatch(page.locator('#replaced'), /replaced the 1 later step/);
  await expectMatch(page.locator('#cli'), /ScanSignal/);
  await page.locator('#undo').click();
  await expectCount(page.locator('#replaced'), 0);
  await page.locator('h1').click();
  await page.keyboard.press('ArrowRight');
  await expectCount(terminated, 1);
  await expectText(page.locator('#outcome'), 'terminated: lost in the post');

  // The X key is the button: back again, no reason this time (a reason is optional).
  await page.keyboard.press('ArrowLeft');
  await expectText(page.locator('#run-state'), 'running');
  await page.getByLabel('Terminate or cancel reason').fill('');
  await page.locator('h1').click();
  await page.keyboard.press('X');
  await expectText(page.locator('#outcome'), 'terminated');
  await expectText(page.locator('#cli'), 'cadence --domain cadence-workshop wf terminate --workflow_id Order123');
  await context.close();
  assert.deepEqual(consoleErrors, [], 'no console errors');
});

test('cancel: the code is asked, cancels its timer and goes on to the delivery; a second is refused; a canceled payment closes', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await newPage(context);
  await open(page, BASE_URL);
  const types = () => page.locator('#history tr.event td.type').allTextContents();
  const row = (type) => page.locator(`#history tr.event[data-event-type="${type}"]`);
  const cancel = page.locator('#cancel');

  // Not before a workflow runs: the control looks disabled and says why.
  assert.equal(await cancel.getAttribute('aria-disabled'), 'true');
  assert.equal(await cancel.getAttribute('title'), 'no workflow yet: start an order first (s)');

  // The order is paid, shipped and scanned once: it waits with its notification timer 5.
  await toTheFirstTimer(page);
  await page.getByLabel('Scan location').fill('Delft');
  await page.getByRole('button', { name: 'Send ScanSignal with this location' }).click();
  await expectMatch(page.locator('#pending'), /timer 5: fires in/);
  await expectCount(row('TimerCanceled'), 1);
  await eventually(() => cancel.getAttribute('title'), (t) => /^Ask the workflow code to cancel .*\(key C\)$/.test(t ?? ''), 'cancel names its key');

  // The button, with a reason: the server records the request and closes nothing; the
  // code, asked in its next decision task, cancels its timer and waits on.
  await page.getByLabel('Terminate or cancel reason').fill('customer moved away');
  await page.getByRole('button', { name: 'Ask the workflow code to cancel (cadence wf cancel) with this reason' }).click();
  await expectCount(row('WorkflowExecutionCancelRequested'), 1);
  await expectMatch(row('WorkflowExecutionCancelRequested').locator('td.details'), /customer moved away/);
  await expectCount(row('TimerCanceled'), 2);
  assert.deepEqual((await types()).slice(-5), ['WorkflowExecutionCancelRequested', 'DecisionTaskScheduled', 'DecisionTaskStarted', 'DecisionTaskCompleted', 'TimerCanceled']);
  await expectText(page.locator('#run-state'), 'running');
  await expectText(page.locator('#outcome'), '-');
  await expectText(page.locator('#cli'), "cadence --domain cadence-workshop wf cancel --workflow_id Order123 --reason 'customer moved away'");
  assert.equal(await page.locator('#timeline [data-kind="timer-canceled"]').count(), 2, 'the timeline shows both canceled timers');

  // A second cancel: refused in the server's words, by the button's look and by the C key.
  assert.equal(await cancel.getAttribute('aria-disabled'), 'true');
  const refusal = await cancel.getAttribute('title');
  assert.match(refusal, /^cancellation already requested for this workflow execution \(event 36\)/);
  const asked = await types();
  // A tap on the greyed button says why (forced: Playwright waits for an enabled one).
  await cancel.click({ force: true });
  await expectText(page.locator('#action-error'), refusal);
  // A key that works clears it; C says it again.
  await page.locator('h1').click();
  await page.keyboard.press('x');
  await expectCount(page.locator('#action-error'), 0);
  await page.keyboard.press('C');
  await expectText(page.locator('#action-error'), refusal);
  assert.deepEqual(await types(), asked, 'nothing was written');

  // The code goes on: the delivery still completes the workflow, and a closed one takes no cancel.
  await page.getByRole('button', { name: 'Send DeliveredSignal' }).click();
  await expectText(page.locator('#run-state'), 'completed');
  assert.equal((await types()).at(-1), 'WorkflowExecutionCompleted');
  await eventually(() => cancel.getAttribute('title'), (t) => /^the workflow has completed: Cadence refuses to cancel a closed workflow/.test(t ?? ''), 'a closed workflow refuses');
  await page.locator('h1').click();
  await page.keyboard.press('C');
  await expectMatch(page.locator('#action-error'), /^the workflow has completed: Cadence refuses to cancel/);

  // The share link keeps the cancel.
  const link = await page.locator('#share-link').getAttribute('href');
  const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const shared = await newPage(other);
  await open(shared, link);
  await sameAs(() => shared.locator('#history tr.event td.type').allTextContents(), await types(), 'the shared history');
  await other.close();

  // A cancel while the payment is retried: the code gives up and the workflow closes as canceled.
  await page.locator('#scenario').selectOption('canceled-in-payment');
  await page.getByRole('button', { name: 'Load the chosen scenario' }).click();
  await expectMatch(page.locator('#position'), /^0 \/ \d+$/);
  await page.locator('h1').click();
  await page.keyboard.press('End');
  await expectText(page.locator('#run-state'), 'canceled');
  await expectText(page.locator('#outcome'), 'canceled: validate payment for order: CanceledError');
  assert.equal((await types()).at(-1), 'WorkflowExecutionCanceled');
  await context.close();
  assert.deepEqual(consoleErrors, [], 'no console errors');
});

test('the fourth newcomer walk: keys after a checkbox or the slider, a scenario loaded in live time, x before any event is selected', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await newPage(context);
  await open(page, BASE_URL);
  await page.getByRole('button', { name: 'Start the order workflow' }).click();
  await expectMatch(page.locator('#pending'), /attempt=1 \(try 2 of 3\)/);

  // A checkbox and the slider keep the focus once clicked; the page's keys still work
  // there (they did nothing: t after dragging the slider left the clock where it was).
  const autoRun = page.locator('#auto-run');
  await autoRun.click();
  await autoRun.click();
  await page.keyboard.press('t');
  await expectMatch(page.locator('#pending'), /attempt=2 \(try 3 of 3\)/);
  // Space on a focused checkbox ticks it, as everywhere; it does not play.
  await page.keyboard.press(' ');
  await eventually(() => autoRun.isChecked(), (c) => !c, 'Space on the checkbox unticked auto-run');
  await page.keyboard.press(' ');
  await eventually(() => autoRun.isChecked(), (c) => c, 'Space on the checkbox ticked auto-run again');
  assert.match(await page.locator('#player').textContent(), /^paused/, 'Space ticked the checkbox, it did not play');
  const len = Number((await page.locator('#position').textContent()).split(' / ')[1]);
  await page.getByLabel('Position in the timeline').fill('2');
  await expectText(page.locator('#position'), `2 / ${len}`);
  await page.keyboard.press('End');
  await expectText(page.locator('#position'), `${len} / ${len}`);
  await page.keyboard.press('t');
  await expectMatch(page.locator('#pending'), /timer 3: fires in 180s/);
  await page.getByLabel('Square-root time axis').click();
  await page.keyboard.press('a');
  await expectMatch(page.locator('#query-result'), /"locationHistory":\["Aarhus"\]/);

  // A scenario loaded while live time runs: it opens paused, with its own notice (live
  // time saw the cursor go back to 0 and said "you stepped back", over the scenario's words).
  await page.locator('h1').click();
  await page.keyboard.press('L');
  await expectText(page.locator('#player'), '● live ×10');
  await page.getByLabel('Built-in scenario').selectOption('payment-retries');
  await page.getByRole('button', { name: 'Load the chosen scenario' }).click();
  await expectMatch(page.locator('#player'), /^paused/);
  await expectMatch(page.locator('#notice'), /^scenario payment-retries: /);
  await expectText(page.locator('#position'), `0 / ${await page.locator('#slider').getAttribute('max')}`);

  // x pressed before any event is selected (the key list says "x why"), then a click on an
  // event: its explanation shows (it stayed hidden, an empty box beside the JSON).
  await page.locator('h1').click();
  await page.keyboard.press('End');
  await page.keyboard.press('x');
  await page.locator('#history tr.event[data-event-id="5"]').click();
  await expectMatch(page.locator('#explanation'), /^5 ActivityTaskScheduled/);
  // x hides it, and no empty box stays beside the JSON; x shows it again.
  await page.locator('h1').click();
  await page.keyboard.press('x');
  await eventually(() => page.locator('#explanation').isVisible(), (v) => !v, 'x hid the explanation and its box');
  await expectMatch(page.locator('#event-json'), /activityTaskScheduledEventAttributes/);
  await page.keyboard.press('x');
  await expectMatch(page.locator('#explanation'), /^5 ActivityTaskScheduled/);
  await context.close();
  assert.deepEqual(consoleErrors, [], 'no console errors');
});

test('the fifth newcomer walk: a timed-out workflow in words, the tour folded and opened again by taps', async () => {
  // A phone: a touch screen, so the tour's way back must be something to tap, not G.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true });
  const page = await newPage(context);
  await open(page, BASE_URL);

  // The state line says what the outcome says ("timed_out" sat beside "timed out").
  await page.getByLabel('Built-in scenario').selectOption('workflow-timeout');
  await page.getByRole('button', { name: 'Load the chosen scenario' }).click();
  await expectMatch(page.locator('#notice'), /^scenario workflow-timeout: /);
  await page.locator('h1').click();
  await page.keyboard.press('End');
  await expectText(page.locator('#outcome'), 'timed out');
  await expectText(page.locator('#run-state'), 'timed out');
  await expectMatch(page.locator('#compact-status'), /^Order123 · timed out · step (\d+)\/\1 · /);

  // The tour folds and comes back with a tap: a touch screen has no G to press.
  await expectMatch(page.locator('#tour-position'), /^Tour · chapter 1 of 7/);
  const fold = page.getByRole('button', { name: 'Fold (G)' });
  await fold.scrollIntoViewIfNeeded();
  await fold.tap();
  await expectCount(page.locator('#tour-position'), 0);
  const reopen = page.getByRole('button', { name: 'Open the tour (key G)' });
  await reopen.scrollIntoViewIfNeeded();
  await reopen.tap();
  await expectMatch(page.locator('#tour-position'), /^Tour · chapter 1 of 7/);
  await expectCount(reopen, 0);
  assert.ok(await page.locator('#tour-next').isVisible(), 'the tour\'s own buttons are back');
  await fits(page, 'the tour opened again on a phone');
  await context.close();
  assert.deepEqual(consoleErrors, [], 'no console errors');
});

test('the sixth newcomer walk: a refused import said beside the box, a load undone, the terminal\'s keys ? p i j k', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await newPage(context);
  await open(page, BASE_URL);
  // With no event, k and j say why in the shared table's words, the terminal's to the letter.
  await page.locator('h1').click();
  for (const key of ['k', 'j']) {
    await page.keyboard.press('Z');
    await page.keyboard.press(key);
    await expectText(page.locator('#error'), 'no events at this moment: nothing to select');
  }
  await page.getByRole('button', { name: 'Start the order workflow' }).click();
  await page.getByRole('button', { name: 'Send ScanSignal with this location' }).click();
  await page.locator('#history tr.event[data-event-type="WorkflowExecutionSignaled"]').waitFor();
  // The grouped history (one piece of HTML since this walk: 936 bytes of the page).
  await expectText(page.locator('#groups li').first(), 'workflow: 1 WorkflowExecutionStarted');
  await expectMatch(page.locator('#groups'), /signal ScanSignal: 6 WorkflowExecutionSignaled/);
  const mine = await page.locator('#history tr.event td.type').allTextContents();
  const position = await page.locator('#position').textContent();

  // A damaged paste: the reason shows under the Import button, where the person looks
  // (the page's message line is a screen above; the click seemed to do nothing), and
  // the session stays as it was.
  await page.getByLabel('History JSON to import').fill('{"history": {"events": [{"eventId": "1",');
  await page.getByRole('button', { name: 'Import the pasted history' }).click();
  const said = page.locator('#import-said');
  await expectMatch(said, /^cannot import this history: the JSON stops at line 1/);
  assert.ok(await said.isVisible(), 'the refusal is beside the box');
  assert.ok(await said.evaluate((e) => e.getBoundingClientRect().bottom <= innerHeight), 'and in the window');
  await expectText(page.locator('#position'), position);
  await sameAs(() => page.locator('#history tr.event td.type').allTextContents(), mine, 'the session is untouched');

  // A good file replaces the session, and undo puts it back, as `u` does after the
  // terminal's import (the session was lost, and u said "nothing to undo").
  const real = new URL('../../core/tests/fixtures/real/happy-path.json', import.meta.url).pathname;
  await page.getByLabel('Import a history file').setInputFiles(real);
  await page.locator('#notice', { hasText: 'imported a history' }).waitFor();
  assert.ok(!(await said.isVisible()), 'the earlier refusal is gone from beside the box');
  await expectText(page.locator('#replaced'), 'a new session replaced yours; undo puts it back Undo');
  // A damaged paste now: the notice of the import before it goes, it is no answer to this one.
  await page.getByLabel('History JSON to import').fill('[{"eventId": 1, "eventType": "Bogus"}]');
  await page.getByRole('button', { name: 'Import the pasted history' }).click();
  await expectMatch(page.locator('#error'), /^cannot import this history/);
  await expectCount(page.locator('#notice'), 0);
  await page.locator('h1').click();
  await page.keyboard.press('u');
  await expectText(page.locator('#notice'), 'your session is back');
  await sameAs(() => page.locator('#history tr.event td.type').allTextContents(), mine, 'the session before the import');

  // A scenario loaded over it: undo again.
  await page.getByLabel('Built-in scenario').selectOption('payment-retries');
  await page.getByRole('button', { name: 'Load the chosen scenario' }).click();
  await expectMatch(page.locator('#notice'), /^scenario payment-retries: /);
  await page.locator('#undo').click();
  await expectText(page.locator('#notice'), 'your session is back');
  await expectText(page.locator('#position'), position);

  // A damaged link pasted: its error, and not the notice of what came before.
  await page.evaluate(() => { location.hash = 'not-a-link'; });
  await expectMatch(page.locator('#error'), /^could not open the link/);
  await expectCount(page.locator('#notice'), 0);

  // The terminal's k and j select the event before and after, with its explanation;
  // the first press the newest (the terminal shows it unasked).
  await page.locator('h1').click();
  const newest = await page.locator('#history tr.event').count();
  await page.keyboard.press('k');
  await expectMatch(page.locator('#explanation'), new RegExp(`^${newest} DecisionTask`));
  await page.keyboard.press('k');
  await expectMatch(page.locator('#explanation'), new RegExp(`^${newest - 1} `));
  assert.equal(await page.locator('#history tr.event.selected').getAttribute('data-event-id'), String(newest - 1));
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await expectMatch(page.locator('#explanation'), new RegExp(`^${newest} `));
  // A letter that is no key says so, as in the terminal; the next key that works clears it.
  await page.keyboard.press('Z');
  await expectText(page.locator('#error'), 'Z does nothing here: ? lists every key');
  await page.keyboard.press('a');
  await expectCount(page.locator('#error'), 0);

  // The terminal's ?, p and i go to the key list, the scenario picker and the import box.
  // The list is the shared table's: k and j with it, after the moves in time.
  await page.locator('h1').click();
  await expectMatch(page.locator('#keys'), /^Keys: \? help · s start · .* · End last · k event · j event · m auto-run · p scenarios · i import · e export · .* · - slower$/);
  const focused = () => page.evaluate(() => document.activeElement?.id);
  for (const [key, id] of [['?', 'keys'], ['p', 'scenario'], ['i', 'import-text']]) {
    await page.locator('h1').click();
    await page.keyboard.press(key);
    await eventually(focused, (f) => f === id, `${key} goes to #${id}`);
  }
  await context.close();
  assert.deepEqual(consoleErrors, [], 'no console errors');
});

test('a scan over 2 MiB is refused in the server\'s words and keeps its text; a long one is shown cut, as `cadence wf show` cuts a field; a session too large for a link says so', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await newPage(context);
  await open(page, BASE_URL);
  await page.getByRole('button', { name: 'Start the order workflow' }).click();
  await page.getByRole('button', { name: 'Advance the clock to the next timer or retry' }).click();
  await page.keyboard.press('t');
  await expectMatch(page.locator('#pending'), /timer 3: fires in/);
  // {"location":"…"} is 15 bytes around the location: one byte over the limit.
  const over = 'x'.repeat(2 * 1024 * 1024 - 15 + 1);
  await page.getByLabel('Scan location').fill(over);
  await page.getByRole('button', { name: 'Send ScanSignal with this location' }).click();
  await expectMatch(page.locator('#error'), /^Blob data size exceeds limit\. \(BadRequestError: the signal's input is 2,097,153 bytes/);
  await expectCount(page.locator('#history tr.event[data-event-type="WorkflowExecutionSignaled"]'), 0);
  assert.equal((await page.getByLabel('Scan location').inputValue()).length, over.length, 'the refused location is kept to edit');
  // A long location that fits: written whole, shown as its start and its end.
  await page.getByLabel('Scan location').fill('y'.repeat(300_000));
  await page.getByRole('button', { name: 'Send ScanSignal with this location' }).click();
  await expectCount(page.locator('#history tr.event[data-event-type="WorkflowExecutionSignaled"]'), 1);
  await expectMatch(page.locator('#current-status'), /^\{"delivered":false,"locationHistory":\["Aarhus","y+ \.\.\. y+"\]\}$/);
  assert.ok((await page.locator('#current-status').textContent()).length < 600);
  const details = await page.locator('#history tr.event[data-event-type="WorkflowExecutionSignaled"] td.details').textContent();
  assert.match(details, /y \.\.\. y/);
  assert.ok(details.length < 700, `the signal's row: ${details.length} characters`);
  // The command cannot carry it on a command line: it names a file.
  await expectMatch(page.locator('#cli'), /--input_file input\.json {2}# input\.json holds the 300,015-byte input/);
  // The event's JSON holds it whole.
  await page.locator('#history tr.event[data-event-type="WorkflowExecutionSignaled"]').click();
  await expectMatch(page.locator('#event-json'), /workflowExecutionSignaledEventAttributes/);
  const input = JSON.parse(await page.locator('#event-json').textContent()).workflowExecutionSignaledEventAttributes.input;
  assert.equal(Buffer.from(input.data, 'base64').toString().length, 300_015);
  // A session too large for any link (Chromium opens at most 2 MiB characters; a
  // longer link opened nothing) says so instead of offering one, keeps it out of the
  // address, and comes back on a reload from the browser's storage.
  await expectCount(page.locator('#share-link'), 1);
  await page.getByLabel('Scan location').fill('z'.repeat(1_700_000));
  await page.getByRole('button', { name: 'Send ScanSignal with this location' }).click();
  await expectCount(page.locator('#history tr.event[data-event-type="WorkflowExecutionSignaled"]'), 2);
  await expectMatch(page.locator('#share-too-long'), /^this session is too large for a link \([0-9,]+ characters; a browser opens at most 2,097,152\): export it to share it$/);
  await expectCount(page.locator('#share-link'), 0);
  assert.equal(await page.evaluate(() => location.hash), '');
  await page.reload();
  await expectCount(page.locator('#history tr.event[data-event-type="WorkflowExecutionSignaled"]'), 2);
  await context.close();
  assert.deepEqual(consoleErrors, [], 'no console errors');
});

test('the seventh newcomer walk: in one column a key for the tour brings its panel into view; Enter in the reason field terminates nothing; a scenario leaves auto-run on', async () => {
  // 800x600: one column, the tour below the order form and the buttons. A prediction or
  // a step skipped by key changed a panel out of sight, and the key seemed to do nothing.
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  const page = await newPage(context);
  await open(page, BASE_URL);
  const inWindow = (selector) =>
    page.locator(selector).evaluate((e) => {
      const r = e.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= innerHeight;
    });
  await page.locator('h1').click();
  assert.equal(await inWindow('#guide'), false, 'the tour starts below the fold');
  // ] twice: chapter 2's first step, which asks for a prediction.
  await page.keyboard.press(']');
  await page.keyboard.press(']');
  await expectMatch(page.locator('#tour-position'), /^Tour · chapter 2 of 7 · step 1 of 4$/);
  await eventually(() => inWindow('#prediction'), (v) => v, 'the question is in the window');
  // From the bottom of the page, a prediction by key: the choice shows pressed, in view.
  await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
  assert.equal(await inWindow('#guide'), false, 'the tour is out of sight');
  await page.keyboard.press('2');
  await expectText(page.locator('#choice-2[aria-pressed="true"]'), '2. Nothing: the server keeps the failure in its own state and retries later.');
  await eventually(() => inWindow('#prediction'), (v) => v, 'the prediction is in the window');
  // G folds the tour; G again opens it where it can be seen.
  await page.keyboard.press('G');
  await page.locator('#tour-open').waitFor();
  await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
  await page.keyboard.press('G');
  await eventually(() => inWindow('#tour-position'), (v) => v, 'the opened tour is in the window');

  // A reason typed for a cancel, then Enter: it terminated the workflow (the form's
  // first button), closing it without asking its code. Now it says which to press.
  await page.getByRole('button', { name: 'Start the order workflow' }).click();
  await expectText(page.locator('#run-state'), 'running');
  await page.getByLabel('Terminate or cancel reason').fill('customer moved away');
  await page.getByLabel('Terminate or cancel reason').press('Enter');
  await expectText(page.locator('#action-error'), 'the reason is for both: press Terminate (the server closes the workflow) or Cancel (its code is asked)');
  await expectText(page.locator('#run-state'), 'running');
  await expectCount(page.locator('#history tr.event[data-event-type="WorkflowExecutionTerminated"]'), 0);
  await page.getByRole('button', { name: 'Ask the workflow code to cancel (cadence wf cancel) with this reason' }).click();
  await expectCount(page.locator('#history tr.event[data-event-type="WorkflowExecutionCancelRequested"]'), 1);
  await expectCount(page.locator('#action-error'), 0);

  // A scenario played with auto-run off (its steps run the worker) turned the page's
  // switch off: every later order, a tour chapter's too, then waited for a worker.
  await page.getByLabel('Built-in scenario').selectOption('happy-path');
  await page.getByRole('button', { name: 'Load the chosen scenario' }).click();
  await expectMatch(page.locator('#notice'), /^scenario happy-path: /);
  assert.equal(await page.locator('#auto-run').isChecked(), true, 'auto-run is still on');
  await page.getByRole('button', { name: 'Start the order workflow' }).click();
  await expectMatch(page.locator('#pending'), /attempt=1 \(try 2 of 3\)/);
  await context.close();
  assert.deepEqual(consoleErrors, [], 'no console errors');
});
