// How long a fleet takes in the page, and whether the page keeps answering while it
// runs: a benchmark to run by hand against a served web/dist, not a test.
//   BASE_URL=http://127.0.0.1:8080/ node bench-fleet.mjs [PACKAGES ...]   (default 2000 20000)
// For each size: the seconds from the click to "done", and the longest wait for one
// read of the progress line (each read is a round trip through the page's thread).
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';
const sizes = process.argv.slice(2).map(Number);
const executablePath = process.env.CHROMIUM ?? execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();

const browser = await chromium.launch({ executablePath });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(BASE_URL);
await page.locator('#app[data-ready="true"]').waitFor();
for (const n of sizes.length ? sizes : [2000, 20000]) {
  await page.locator('#fleet-packages').fill(String(n));
  const start = Date.now();
  await page.locator('#fleet-run').click();
  let longest = 0;
  let reads = 0;
  for (let last = Date.now(); ; reads++) {
    const text = await page.locator('#fleet-progress').textContent();
    longest = Math.max(longest, Date.now() - last);
    last = Date.now();
    if (text === `done: ${n} packages`) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  console.log(`${n} packages: ${((Date.now() - start) / 1000).toFixed(1)} s; the longest read of the progress line ${longest} ms (${reads} reads)`);
}
await browser.close();
