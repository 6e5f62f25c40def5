import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PhaseMarks } from './phase-marks';
import { phaseTable } from './phase-table';

/**
 * A real server process with phase-marks.js preloaded: a POST whose handler waits 30 ms, posts a
 * run to a worker thread, which answers after 40 ms; a POST that posts nothing; a GET.
 */
const SERVER = `
const http = require('node:http');
const { Worker } = require('node:worker_threads');
const worker = new Worker("const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => setTimeout(() => parentPort.postMessage(m.id), 40));", { eval: true });
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.method !== 'POST' || req.url === '/nothing') return res.end('no run');
    setTimeout(() => {
      worker.once('message', () => res.end('ran'));
      worker.postMessage({ id: 7, request: { key: 'm@1' } });
    }, 30);
  });
});
server.listen(0, '127.0.0.1', async () => {
  const url = 'http://127.0.0.1:' + server.address().port;
  const send = (method, path, type) => new Promise((resolve) => {
    const r = http.request(url + path, { method, headers: { 'content-type': type } }, (res) => { res.resume(); res.on('end', resolve); });
    r.end(method === 'POST' ? '{}' : undefined);
  });
  await send('POST', '/run', 'application/json; charset=utf-8');
  await send('POST', '/nothing', 'application/json');
  await send('GET', '/', 'application/json');
  await send('POST', '/run', 'application/octet-stream');
  process.exit(0);
});
`;

describe('phase-marks.js', () => {
  it("splits a request's time at the run's postMessage() call, per content type, counting only requests that post a run", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'phase-marks-')), 'marks.json');
    const child = spawnSync(process.execPath, ['-r', join(__dirname, 'phase-marks.js'), '-e', SERVER], {
      env: { ...process.env, PHASE_MARKS_FILE: file },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const marks = JSON.parse(readFileSync(file, 'utf8')) as PhaseMarks;
    expect(Object.keys(marks).sort()).toEqual(['application/json', 'application/octet-stream']);
    expect(marks['application/json']).toHaveLength(1);
    expect(marks['application/octet-stream']).toHaveLength(1);
    for (const [r] of Object.values(marks)) {
      // the handler's 30 ms before the post; the worker's 40 ms after it
      expect(r.toPost).toBeGreaterThanOrEqual(29);
      expect(r.toPost).toBeLessThan(1000);
      expect(r.post).toBeGreaterThanOrEqual(0);
      expect(r.post).toBeLessThan(r.toPost);
      expect(r.afterPost).toBeGreaterThanOrEqual(39);
    }
  });
});

describe('phaseTable', () => {
  const phases = (toPost: number, post: number, afterPost: number) => ({ toPost, post, afterPost });

  it('gives each phase its median and p10 - p90, and the second server minus the first per kind', () => {
    const table = phaseTable({
      bare: { 'application/json': [phases(0.1, 0.05, 0.3), phases(0.3, 0.07, 0.5), phases(0.2, 0.06, 0.4)] },
      sy: { 'application/json': [phases(0.25, 0.08, 0.45)] },
    });
    const row = (start: string) => table.find((l) => l.startsWith(start))!;
    // nearest rank of 3 values: p10 is the 1st, p50 the 2nd, p90 the 3rd
    expect(row('| bare json |')).toBe(
      '| bare json | 3 | 0.200 (0.100 - 0.300) | 0.060 (0.050 - 0.070) | 0.400 (0.300 - 0.500) | 0.660 (0.450 - 0.870) |',
    );
    // 0.25 - 0.2, 0.08 - 0.06, 0.45 - 0.4; total 0.1
    expect(row('| sy - bare, json')).toBe('| sy - bare, json (medians) |  | +0.050 | +0.020 | +0.050 | +0.120 |');
    expect(row('| sy binary |')).toBe('| sy binary | 0 |  |  |  |  |');
  });
});
