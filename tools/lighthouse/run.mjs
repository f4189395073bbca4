// Lighthouse's accessibility category on several pages with one Chromium, for e2e/test_portal_accessibility.py:
// the same audits as `lighthouse <url> --only-categories=accessibility`, without starting Node and Chromium again for
// each page. Reads [{"url": "...", "headers": {"Cookie": "..."}}, ...] on stdin; writes one line of JSON per page:
// {"url", "finalUrl", "score", "failing": ["audit-id: title — snippet", ...]}. CHROME_PATH names the browser.
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

let input = '';
for await (const chunk of process.stdin) input += chunk;
const pages = JSON.parse(input);
const chrome = await chromeLauncher.launch({chromePath: process.env.CHROME_PATH, chromeFlags: FLAGS});
try {
  for (const page of pages) {
    const result = await lighthouse(page.url, {
      port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['accessibility'],
      extraHeaders: page.headers, disableFullPageScreenshot: true, maxWaitForLoad: 20000,
    }, {
      // The browser is shared: its cookies go before each page (the server's Set-Cookie of the page before would
      // otherwise be sent instead of this page's session), with what Lighthouse clears by default.
      extends: 'lighthouse:default',
      settings: {clearStorageTypes: ['cookies', 'file_systems', 'shader_cache', 'service_workers', 'cache_storage']},
    });
    const lhr = result.lhr;
    const category = lhr.categories.accessibility;
    const failing = [];
    for (const ref of category.auditRefs) {
      const audit = lhr.audits[ref.id];
      if (ref.weight && audit.score !== null && audit.score < 1) {
        const items = (audit.details && audit.details.items) || [];
        const where = items.slice(0, 3).map((item) => String((item.node || {}).snippet || '').slice(0, 120)).join('; ');
        failing.push(`${ref.id}: ${audit.title} — ${where}`);
      }
    }
    process.stdout.write(JSON.stringify({url: page.url, finalUrl: lhr.finalDisplayedUrl, score: category.score,
      failing, runtimeError: lhr.runtimeError ? lhr.runtimeError.message : null}) + '\n');
  }
} finally {
  await chrome.kill();
}
