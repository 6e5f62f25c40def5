import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from './support/inference-server';
import { repoRoot } from './support/repo-paths';
import { describeWith, findOnPath } from './support/requirements';

/** Debian's chromium, found on PATH (a PATH without it skips the suite). */
const CHROMIUM = findOnPath('chromium');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
];

/** Swagger UI at /docs in real headless Chromium: it renders every documented operation, from the app alone. */
describeWith('browser', CHROMIUM ? undefined : 'chromium is not on PATH', 'API docs page (e2e, headless Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ MODELS: 'mlp_tiny' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (req) => {
      if (!req.url().startsWith(`${server.url}/`) && !req.url().startsWith('data:')) foreignRequests.push(req.url());
    });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders every operation of the document, with no request leaving the app', async () => {
    const doc = (await (await fetch(`${server.url}/docs/openapi.json`)).json()) as { paths: Record<string, object> };
    const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    await page.goto(`${server.url}/docs`);
    await page.waitForSelector('.opblock', { timeout: 30_000 });
    expect(await page.locator('.opblock').count()).toBe(operations);
    expect(await page.textContent('.info .title')).toContain('Switchyard');
    expect(await page.locator('.opblock-summary-path[data-path="/v2/models/{model}/infer"]').count()).toBe(1);
    const dir = join(repoRoot(), 'test-artifacts');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'docs-page.png') });
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
