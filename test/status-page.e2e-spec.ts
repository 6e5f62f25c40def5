import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from './support/inference-server';
import { repoRoot } from './support/repo-paths';
import { describeWith, findOnPath } from './support/requirements';
import { postJson, seededFloats } from './support/v2-client';

/** Debian's chromium, found on PATH (a PATH without it skips the suite). */
const CHROMIUM = findOnPath('chromium');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why Debian's chromium cannot be used here (the suite then skips, unless REQUIRE_BROWSER=1). */
function browserMissing(): string | undefined {
  return CHROMIUM ? undefined : 'chromium is not on PATH';
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The status page at GET / in real headless Chromium, against the real app under load. */
describeWith('browser', browserMissing(), 'Status page (e2e, headless Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ MODELS: 'mlp_tiny', TELEMETRY_INTERVAL_MS: 1000 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (req) => {
      if (!req.url().startsWith(`${server.url}/`) && !req.url().startsWith('data:')) foreignRequests.push(req.url());
    });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text());
    });
    await page.goto(`${server.url}/`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const card = (id: string) => `[data-device-id="${id}"]`;

  it('lists every device with its kind, EP, utilisation and queue', async () => {
    const { devices } = (await (await fetch(`${server.url}/v1/devices`)).json()) as {
      devices: Array<{ id: string; kind: string; executionProvider: string | null }>;
    };
    expect(devices.length).toBeGreaterThan(0);
    for (const d of devices) {
      await page.waitForSelector(card(d.id), { timeout: 10_000 });
      expect(await page.textContent(`${card(d.id)} .kind`)).toBe(d.kind);
      expect(await page.textContent(`${card(d.id)} .ep`)).toBe(d.executionProvider ?? 'no EP');
    }
    expect(await page.textContent(`${card('cpu:0')} .queue`)).toMatch(/^\d+$/);
    expect(await page.textContent(`${card('cpu:0')} .util-value`)).toMatch(/^(\d+% \((host-cpu|busy-ratio)\)|-)$/);
    expect(await page.getAttribute('#connection', 'data-state')).toBe('live');
  });

  it('updates the latency and throughput charts while load runs', async () => {
    const chart = `${card('cpu:0')} .throughput-chart`;
    const before = await page.$eval(chart, (c: any) => c.toDataURL() as string);
    const updatesBefore = Number(await page.getAttribute('body', 'data-updates'));

    let running = true;
    let served = 0;
    const client = async (seed: number) => {
      for (let i = 0; running; i++) {
        const rows = 1 + ((seed + i) % 4);
        const res = await postJson(server.url, '/v2/models/mlp_tiny/infer', {
          inputs: [{ name: 'input', datatype: 'FP32', shape: [rows, 16], data: Array.from(seededFloats(rows * 16, seed * 1000 + i)) }],
        });
        expect(res.status).toBe(200);
        served++;
      }
    };
    const load = Promise.all([1, 2, 3, 4].map(client));
    try {
      await waitUntil(async () => Number(await page.getAttribute(chart, 'data-last')) > 0, 20_000, 'throughput on the cpu:0 chart');
      await waitUntil(async () => (await page.textContent(`${card('cpu:0')} .p99`)) !== '-', 10_000, 'a p99 latency on the cpu:0 card');
      await page.waitForTimeout(2500); // a few more points on the charts for the screenshot
      const dir = join(repoRoot(), 'test-artifacts');
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, 'status-page.png'), fullPage: true });
    } finally {
      running = false;
      await load;
    }

    expect(served).toBeGreaterThan(0);
    const after = await page.$eval(chart, (c: any) => c.toDataURL() as string);
    expect(after).not.toBe(before);
    expect(Number(await page.getAttribute(chart, 'data-points'))).toBeGreaterThan(1);
    expect(Number(await page.getAttribute(`${card('cpu:0')} .latency-chart`, 'data-max'))).toBeGreaterThan(0);
    expect(Number(await page.getAttribute('body', 'data-updates'))).toBeGreaterThan(updatesBefore + 2);
    expect(
      Number(await page.textContent(`${card('cpu:0')} .throughput`)) +
        Number(await page.textContent(`${card('gpu:0')} .throughput`).catch(() => '0')),
    ).toBeGreaterThan(0);
  }, 60_000);

  it("shows the scheduler's policy and its recent decisions", async () => {
    const scheduler = (await (await fetch(`${server.url}/v1/scheduler`)).json()) as { policy: { default: string } };
    expect(await page.textContent('#policy')).toBe(scheduler.policy.default);
    // One request pinned to cpu:0 after the load: the newest decision, settled ok, with its time.
    const pinned = await postJson(server.url, '/v2/models/mlp_tiny/infer', {
      parameters: { device: 'cpu:0' },
      inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: Array.from(seededFloats(16, 77)) }],
    });
    expect(pinned.status).toBe(200);
    const newestRow = () => page.$$eval('#decisions tr:first-child td', (tds) => tds.map((td) => td.textContent ?? ''));
    const settledPinned = async () => {
      const row = await newestRow();
      return row[3] === 'pinned' && row[6] !== 'pending';
    };
    await waitUntil(settledPinned, 10_000, 'the settled pinned decision on the page');
    const first = await newestRow();
    expect(first.slice(1, 4)).toEqual(['mlp_tiny@1', 'cpu:0', 'pinned']);
    expect(first[6]).toBe('ok');
    expect(first[5]).toMatch(/^\d/); // its measured time, shown once the job settled
  });

  it('loads nothing from another origin and logs no script error', () => {
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
