import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PhaseMarks } from './phase-marks';
import { phaseTable } from './phase-table';

/**
 * A real server process with phase-marks.js preloaded: a POST whose handler waits 30 ms, posts a
 * run to a worker thread on a run port (as RunChannels does), which answers on it after 40 ms,
 * and the response ends 20 ms after the answer; a POST that posts nothing; a GET.
 */
const SERVER = `
const http = require('node:http');
const { MessageChannel, Worker } = require('node:worker_threads');
const { port1, port2 } = new MessageChannel();
const worker = new Worker("const { workerData } = require('node:worker_threads'); workerData.on('message', (m) => setTimeout(() => workerData.postMessage({ id: m.id, reply: 'ok' }), 40));", { eval: true, workerData: port2, transferList: [port2] });
let answered;
port1.on('message', () => setTimeout(answered, 20));
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.method !== 'POST' || req.url === '/nothing') return res.end('no run');
    setTimeout(() => {
      answered = () => res.end('ran');
      port1.postMessage({ id: 7, request: { key: 'm@1' } });
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
  worker.terminate();
  process.exit(0);
});
`;

describe('phase-marks.js', () => {
  it("splits a request's time at the run's postMessage() call and its answer, per content type, counting only requests that post a run", () => {
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
      // the handler's 30 ms before the post; the worker's 40 ms until the answer; 20 ms from it to the end
      expect(r.toPost).toBeGreaterThanOrEqual(29);
      expect(r.toPost).toBeLessThan(1000);
      expect(r.post).toBeGreaterThanOrEqual(0);
      expect(r.post).toBeLessThan(r.toPost);
      expect(r.toAnswer).toBeGreaterThanOrEqual(39);
      expect(r.afterAnswer).toBeGreaterThanOrEqual(19);
      expect(r.afterAnswer).toBeLessThan(r.toAnswer);
      expect(r.toAnswer + r.afterAnswer).toBeCloseTo(r.afterPost, 6);
    }
  });
});

describe('phaseTable', () => {
  const phases = (toPost: number, post: number, afterPost: number) => ({
    toPost,
    post,
    afterPost,
    toAnswer: afterPost - 0.1,
    afterAnswer: 0.1,
  });

  it('gives each phase its median and p10 - p90, and the second server minus the first per kind', () => {
    const table = phaseTable({
      bare: { 'application/json': [phases(0.1, 0.05, 0.3), phases(0.3, 0.07, 0.5), phases(0.2, 0.06, 0.4)] },
      sy: { 'application/json': [phases(0.25, 0.08, 0.45)] },
    });
    const row = (start: string) => table.find((l) => l.startsWith(start))!;
    // nearest rank of 3 values: p10 is the 1st, p50 the 2nd, p90 the 3rd
    expect(row('| bare json |')).toBe(
      '| bare json | 3 | 0.200 (0.100 - 0.300) | 0.060 (0.050 - 0.070) | 0.300 (0.200 - 0.400) | 0.100 (0.100 - 0.100) | 0.660 (0.450 - 0.870) |',
    );
    // 0.25 - 0.2, 0.08 - 0.06, 0.35 - 0.3, 0.1 - 0.1; total 0.12
    expect(row('| sy - bare, json')).toBe('| sy - bare, json (medians) |  | +0.050 | +0.020 | +0.050 | +0.000 | +0.120 |');
    expect(row('| sy binary |')).toBe('| sy binary | 0 |  |  |  |  |  |');
  });
});
