// The dashboard in a real browser: headless Chromium driven through playwright-core
// (installed by tests/browser/run, which also starts the server with seed data).
//
// Checks that the page loads, signs in with a password and with an API token, draws
// its charts, lists the 20 branches, drills down into one branch and its
// localities, switches language, signs out, and logs no console error, page error
// or failed request on the way. Writes screenshots (desktop and phone size).
//
// Environment: BASE_URL (the server), CHROMIUM (the browser's executable),
// SCREENSHOT_DIR, DEMO_EMAIL / DEMO_PASSWORD (a seeded account), API_TOKEN (an
// observer's `otk_` token), FROM / TO (the date range shown).

'use strict';

const { chromium } = require('playwright-core');
const fs = require('node:fs');
const path = require('node:path');

const BASE_URL = process.env.BASE_URL;
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR;
const RANGE = `from=${process.env.FROM}&to=${process.env.TO}`;
const TIMEOUT = 30_000;

let checks = 0;
let failures = 0;

function check(condition, what) {
  checks += 1;
  if (condition) {
    console.log(`ok   ${what}`);
  } else {
    failures += 1;
    console.log(`FAIL ${what}`);
  }
}

// Everything the browser complains about, per page.
function watch(page, problems) {
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    // A download's blob: URL, or a navigation the page itself cut short, is not a failure.
    if (!request.url().startsWith('blob:')) problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
}

async function signInWithPassword(page) {
  await page.goto(`${BASE_URL}/dashboard#${RANGE}`);
  await page.waitForSelector('#sign-in-form', { timeout: TIMEOUT });
  check(true, 'the page loads and asks to sign in');
  await page.fill('#email', process.env.DEMO_EMAIL);
  await page.fill('#password', process.env.DEMO_PASSWORD);
  await page.click('#sign-in-form button[type=submit]');
}

async function chartsDrawn(page) {
  await page.waitForSelector('#charts svg.chart path.line', { timeout: TIMEOUT });
  return page.$$eval('#charts svg.chart', (charts) =>
    charts.map((chart) => ({
      lines: chart.querySelectorAll('path.line').length,
      // A drawn line has more than a starting point.
      drawn: [...chart.querySelectorAll('path.line')].every((line) => (line.getAttribute('d') || '').includes('L')),
      width: chart.getBoundingClientRect().width,
    })),
  );
}

// Runs `checks` on a new page; on an exception the page as it was is kept as a screenshot.
async function onPage(browser, name, options, checks) {
  const problems = [];
  const context = await browser.newContext(options);
  const page = await context.newPage();
  watch(page, problems);
  try {
    await checks(page);
    check(problems.length === 0, `no console errors, page errors or failed requests (${name})`);
    for (const problem of problems) console.log(`     ${problem}`);
  } catch (error) {
    const shot = path.join(SCREENSHOT_DIR, `failure-${name}.png`);
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    for (const problem of problems) console.log(`     ${problem}`);
    console.log(`     the page at the failure: ${shot}`);
    throw error;
  } finally {
    await context.close();
  }
}

async function desktop(page) {

  const response = await page.goto(`${BASE_URL}/dashboard`);
  const csp = response.headers()['content-security-policy'] || '';
  check(csp.includes("script-src 'self'") && csp.includes("style-src 'self'"), 'the page is sent with a strict CSP');

  await signInWithPassword(page);
  const charts = await chartsDrawn(page);
  check(charts.length === 5, `five charts are drawn (found ${charts.length})`);
  check(
    charts.every((chart) => chart.lines >= 1 && chart.drawn),
    'every chart holds drawn SVG paths',
  );
  const totals = await page.$$eval('#cards .stat', (cards) => cards.length);
  check(totals >= 10, `the national totals are shown (${totals} cards)`);
  const countdown = await page.textContent('#countdown').catch(() => '');
  check(/\d/.test(countdown || ''), `the days to polling day are shown ("${(countdown || '').trim()}")`);
  const rows = await page.$$eval('#branch-table tbody tr', (trs) => trs.length);
  check(rows === 20, `the 20 branches are side by side (${rows} rows)`);
  const bars = await page.$$eval('#branch-table .bar .fill', (fills) => fills.map((fill) => fill.style.width));
  check(bars.length >= 10 && bars.some((width) => width !== '0.0%'), `the branch table has progress bars (${bars.length})`);
  check((await page.textContent('#title')) === 'Науқан көрсеткіштері', 'labels are in Kazakh');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('.part-table .csv')]);
  const csv = fs.readFileSync(await download.path());
  check(
    csv[0] === 0xef && csv[1] === 0xbb && csv[2] === 0xbf && download.suggestedFilename() === 'branches-national.csv',
    `the branches' CSV downloads (${download.suggestedFilename()}, ${csv.length} bytes, UTF-8 BOM first)`,
  );
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'dashboard.png'), fullPage: true });

  await page.click('#langs button:has-text("Рус")');
  await page.waitForFunction(() => document.getElementById('title').textContent === 'Показатели кампании');
  check(true, 'the language switch shows Russian labels');
  const scope = await page.textContent('#scope');
  check(scope === 'Вся страна', `the scope is named in Russian ("${scope}")`);

  // Weekly series.
  await page.selectOption('#range-form select[name=interval]', 'week');
  await page.click('#range-form button[type=submit]');
  await page.waitForFunction(() => location.hash.includes('interval=week'));
  await page.waitForSelector('#charts svg.chart path.line', { timeout: TIMEOUT });
  check(true, 'the weekly series is drawn');

  // Drill down into the first branch of the table.
  const branchName = await page.textContent('#branch-table tbody tr:first-child th a');
  await page.click('#branch-table tbody tr:first-child th a');
  await page.waitForSelector('#locality-table tbody tr', { timeout: TIMEOUT });
  check((await page.textContent('#scope')) === branchName, `the drill-down shows ${branchName}`);
  const places = await page.$$eval('#locality-table tbody tr', (trs) => trs.length);
  check(places > 0, `the branch's localities are listed (${places})`);
  const branchCharts = await chartsDrawn(page);
  check(branchCharts.length === 5 && branchCharts.every((chart) => chart.drawn), "the branch's charts are drawn");

  await page.click('#sign-out');
  await page.waitForSelector('#sign-in-form', { timeout: TIMEOUT });
  const stored = await page.evaluate(() => sessionStorage.length);
  check(stored === 0, 'signing out forgets the token');
}

async function phone(page) {
  await page.goto(`${BASE_URL}/dashboard#${RANGE}&branch=KZ-71`);
  await page.waitForSelector('#token-form', { timeout: TIMEOUT });
  await page.fill('#token', process.env.API_TOKEN);
  await page.click('#token-form button[type=submit]');
  const charts = await chartsDrawn(page);
  check(charts.length === 5 && charts.every((chart) => chart.drawn), 'signed in with an API token, the charts are drawn');
  check(
    charts.every((chart) => chart.width <= 390),
    `the charts fit a phone's width (${charts.map((chart) => Math.round(chart.width)).join(', ')} px)`,
  );
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `the page does not scroll sideways on a phone (${overflow} px too wide)`);
  await page.waitForSelector('#locality-table tbody tr', { timeout: TIMEOUT });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'dashboard-phone.png'), fullPage: false });
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM,
    args: [
      // Nothing but the server under test is reachable: no background traffic.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
      // Chromium's sandbox needs user namespaces, which a container running as root may lack.
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ],
  });
  try {
    await onPage(browser, 'desktop', { viewport: { width: 1280, height: 900 }, locale: 'kk-KZ' }, desktop);
    await onPage(
      browser,
      'phone',
      { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'ru-RU' },
      phone,
    );
  } catch (error) {
    failures += 1;
    console.log(`FAIL ${error.stack || error}`);
  } finally {
    await browser.close();
  }
  console.log(`screenshots: ${path.join(SCREENSHOT_DIR, 'dashboard.png')} ${path.join(SCREENSHOT_DIR, 'dashboard-phone.png')}`);
  console.log(`${checks - failures} passed, ${failures} failed`);
  process.exit(failures ? 1 : 0);
})();
