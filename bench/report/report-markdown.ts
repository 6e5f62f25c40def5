import type { ScalePoint } from '../sim/scale-study';
import { MIN_RUNS_PER_JOB_SPREAD, type HostFit } from '../sim/host-overhead';
import type { BenchReport, SimVsRealRow } from './bench-report.interface';
import { otherWorkAround } from '../runner/host-load';
import { headlineRows, PROJECT_TARGETS } from './headline';
import { markdownTable, ms, num, pct } from './markdown';

/** report.md: the headline, the lane table, charts, the LP ideal, sim vs real, the scale study, caveats. */
export function reportMarkdown(report: BenchReport, charts: readonly string[]): string {
  const s = report.scenario;
  const out: string[] = [
    `# Benchmark: ${s.name} (${report.target === 'sim' ? `simulated on ${report.profile?.name ?? 'a profile'}` : `${report.target} on ${report.host.hostname}`})`,
    '',
    s.description,
    '',
    `- Command: \`${report.command}\``,
    `- Date: ${report.createdAt}`,
    `- Host: ${report.host.cpuModel}, ${report.host.cores} cores, ${report.host.memoryGiB} GiB, Node ${report.host.node}, onnxruntime-node ${report.host.onnxruntime}${report.target !== 'sim' && report.host.loadAverage ? `; load average at start ${report.host.loadAverage.join(' / ')}` : ''}`,
    `- Devices: ${report.devices.map((d) => `${d.id} (${d.kind}, ${d.slots} slot${d.slots > 1 ? 's' : ''}, cost ${d.costWeight})`).join('; ') || 'n/a'}`,
    ...(report.profile ? [`- Device model: ${report.profile.description} (\`${report.profile.file}\`)`] : []),
    `- Arrival: ${s.arrival.mode === 'closed' ? `closed loop, ${s.arrival.clients} clients` : `open loop, Poisson ${s.arrival.ratePerSecond}/s, latency from the intended send time`}; ` +
      (report.target === 'sim'
        ? `${s.sim.durationS} s simulated per lane`
        : `${s.durationS} s per lane${s.rounds > 1 ? ` x ${s.rounds} rounds (odd rounds in reverse lane order, pooled)` : ''}, first ${s.warmupS} s of each left out`),
    '',
    '## Workload',
    '',
    markdownTable(
      ['model', 'batch', 'share', 'priority', 'timeout'],
      report.classes.map((c) => [
        c.model,
        c.batchSize,
        pct(c.share, 1),
        c.priority ?? '-',
        c.timeoutMs !== undefined ? `${c.timeoutMs} ms` : '-',
      ]),
    ),
    '',
    ...headline(report),
    '## Results',
    '',
    laneTable(report),
    '',
    ...charts.filter((c) => !c.startsWith('scale-')).map((c) => `![${c}](charts/${c})\n`),
    ...idealSection(report),
    ...simVsRealSection(report),
    ...scaleSection(report, charts),
    '## Notes',
    '',
    ...report.notes.map((n) => `- ${n}`),
    ...(report.profile?.notes ?? []).map((n) => `- ${n}`),
    '',
    `Raw per-request records: \`raw/<lane>.jsonl.gz\` (gzipped JSON lines, committed); every number above: \`summary.json\`.`,
    '',
  ];
  return out.join('\n');
}

function headline(report: BenchReport): string[] {
  const rows = headlineRows(report.lanes);
  if (rows.length === 0) return [];
  const t = PROJECT_TARGETS;
  return [
    '## Headline',
    '',
    `Project targets: adaptive >= ${pct(t.fractionOfIdeal)} of the LP ideal and >= ${t.speedupOverBestSingle}x the best single device.`,
    '',
    markdownTable(
      [
        'policy lane',
        'jobs/s',
        'of LP ideal',
        'best single device (same mode)',
        'speed-up',
        'best single device (any)',
        'speed-up',
        `>= ${pct(t.fractionOfIdeal)} ideal`,
        `>= ${t.speedupOverBestSingle}x`,
      ],
      rows.map((r) => [
        r.lane,
        num(r.jobsPerS),
        pct(r.fractionOfIdeal, 1),
        r.bestSingleSame ? `${r.bestSingleSame.lane} ${num(r.bestSingleSame.jobsPerS)}` : 'n/a',
        r.speedupSame !== undefined ? `${r.speedupSame.toFixed(2)}x` : 'n/a',
        r.bestSingleAny ? `${r.bestSingleAny.lane} ${num(r.bestSingleAny.jobsPerS)}` : 'n/a',
        r.speedupAny !== undefined ? `${r.speedupAny.toFixed(2)}x` : 'n/a',
        r.fractionOfIdeal === undefined ? 'n/a' : r.fractionOfIdeal >= t.fractionOfIdeal ? 'yes' : 'NO',
        r.speedupSame === undefined ? 'n/a' : r.speedupSame >= t.speedupOverBestSingle ? 'yes' : 'NO',
      ]),
    ),
    '',
  ];
}

function laneTable(report: BenchReport): string {
  const byRound = report.lanes.some((l) => l.jobsPerSByRound?.length);
  const devices = [...new Set(report.lanes.flatMap((l) => Object.keys(l.deviceShare)))].sort();
  return markdownTable(
    [
      'lane',
      'kind',
      'jobs/s',
      ...(byRound ? ['jobs/s by round'] : []),
      'inferences/s',
      'of ideal',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'cost / 1k',
      'rows/run',
      'errors',
      ...devices.map((d) => `share ${d}`),
    ],
    report.lanes.map((l) => [
      l.lane,
      l.kind + (l.batching === undefined ? '' : l.batching ? ' (batching)' : ' (no batching)'),
      num(l.throughputJobsPerS),
      ...(byRound ? [(l.jobsPerSByRound ?? []).map((v) => num(v, 0)).join(' / ')] : []),
      num(l.throughputRowsPerS),
      pct(l.fractionOfIdeal, 1),
      ms(l.latencyMs.p50),
      ms(l.latencyMs.p95),
      ms(l.latencyMs.p99),
      num(l.costPer1k, 4),
      num(l.rowsPerRun, 2),
      `${l.errors + l.unfinished}${l.topErrors ? ` (${Object.keys(l.topErrors)[0].slice(0, 60)})` : ''}`,
      ...devices.map((d) => pct(l.deviceShare[d] ?? 0)),
    ]),
  );
}

function idealSection(report: BenchReport): string[] {
  const ideal = report.ideal;
  if (!ideal) return [];
  const devices = Object.keys(ideal.assignment);
  const classes = devices.length ? Object.keys(ideal.assignment[devices[0]]) : [];
  return [
    '## LP ideal',
    '',
    `${num(ideal.jobsPerS)} jobs/s (${num(ideal.rowsPerS)} inferences/s) ${ideal.source}. The LP assigns fractions of each ` +
      `(model, batch) class to devices to maximise the throughput of the mix, each job run on its own; with every run a full ` +
      `merged batch the same LP gives ${num(ideal.fullBatchingJobsPerS)} jobs/s (an upper bound for dynamic batching).`,
    '',
    markdownTable(
      ['device', 'busy', ...classes.map((c) => `${c.replace(/^\d+:/, '')} jobs/s`)],
      devices.map((d) => [d, pct(ideal.utilisation[d]), ...classes.map((c) => num(ideal.assignment[d][c]))]),
    ),
    '',
  ];
}

function simVsRealSection(report: BenchReport): string[] {
  const cmp = report.simVsReal;
  if (!cmp) return [];
  if (cmp.split) return outOfSampleSection(report, cmp as typeof cmp & { split: NonNullable<typeof cmp.split> });
  const inside = cmp.rows.filter((r) => r.withinTolerance).length;
  return [
    '## Simulator vs this host',
    '',
    `The same scenario in the simulator, fed with this host's calibration profile${cmp.host ? " and the serving thread's cost below" : ''}. Stated tolerance: simulated throughput ` +
      `within ±${pct(cmp.tolerance)} of the measured one. ${inside} of ${cmp.rows.length} lanes are within it.`,
    '',
    ...hostFitLines(cmp.host),
    markdownTable(
      ['real lane', 'sim lane', 'real jobs/s', 'sim jobs/s', 'gap', 'real p50 ms', 'sim p50 ms', 'within'],
      cmp.rows.map((r) => [
        r.realLane,
        r.simLane,
        num(r.realJobsPerS),
        num(r.simJobsPerS),
        pct(r.throughputGap, 1),
        ms(r.realP50Ms),
        ms(r.simP50Ms),
        r.withinTolerance ? 'yes' : 'NO',
      ]),
    ),
    '',
  ];
}

/** The twin fitted on some rounds and compared with the others (--fit-rounds). */
function outOfSampleSection(
  report: BenchReport,
  cmp: NonNullable<BenchReport['simVsReal']> & { split: NonNullable<NonNullable<BenchReport['simVsReal']>['split']> },
): string[] {
  const { split } = cmp;
  const fitOn = split.fitRounds.join(', ');
  const heldOut = split.heldOutRounds.join(', ');
  const inside = cmp.rows.filter((r) => r.withinTolerance).length;
  const inSample = new Map(split.inSampleRows.map((r) => [r.realLane, r]));
  const gaps = (g: typeof split.heldOut) =>
    g.n
      ? `mean |gap| ${pct(g.meanAbsGap, 1)}, signed mean ${pct(g.meanGap, 1)}, from ${pct(g.minGap, 1)} to ${pct(g.maxGap, 1)} (n = ${g.n})`
      : 'none';
  return [
    `## Simulator vs this host, out of sample (fitted on round${split.fitRounds.length > 1 ? 's' : ''} ${fitOn}, predicting ${heldOut})`,
    '',
    `The same scenario in the simulator, fed with this host's calibration profile (measured at start-up, before any round) and the serving thread's cost below, ` +
      `fitted on the per-round figures of round${split.fitRounds.length > 1 ? 's' : ''} ${fitOn} only. The measured lanes it is compared with come from round${split.heldOutRounds.length > 1 ? 's' : ''} ${heldOut}, which the fit never saw. ` +
      `Stated tolerance: predicted throughput within ±${pct(cmp.tolerance)} of the measured one. ${inside} of ${cmp.rows.length} held-out lanes are within it.`,
    '',
    `- Held-out error, lanes pooled over rounds ${heldOut}: ${gaps(split.heldOut)}.`,
    `- Held-out error, every lane in every held-out round: ${gaps(split.heldOutByRound)}.`,
    `- For comparison, in sample (the fit rounds ${fitOn}): ${gaps(split.inSample)}.`,
    '',
    ...hostFitLines(cmp.host, `rounds ${fitOn}`),
    markdownTable(
      [
        'real lane',
        'sim lane',
        `measured jobs/s (rounds ${heldOut})`,
        'by round',
        'predicted jobs/s',
        'gap',
        'in-sample gap',
        'real p50 ms',
        'sim p50 ms',
        'within',
      ],
      cmp.rows.map((r) => [
        r.realLane,
        r.simLane,
        num(r.realJobsPerS),
        (split.heldOutJobsPerSByRound[r.realLane] ?? []).map((x) => num(x)).join(' / '),
        num(r.simJobsPerS),
        pct(r.throughputGap, 1),
        inSample.has(r.realLane) ? pct(inSample.get(r.realLane)!.throughputGap, 1) : '-',
        ms(r.realP50Ms),
        ms(r.simP50Ms),
        r.withinTolerance ? 'yes' : 'NO',
      ]),
    ),
    '',
    ...roundLoadLines(report, cmp.rows, split.fitRounds, split.predictedJobsPerSByRound),
  ];
}

/**
 * Each round's host load next to each lane's measured jobs/s and the twin's gap to it: shows
 * whether the held-out error follows the load other work put on the host.
 */
function roundLoadLines(
  report: BenchReport,
  rows: readonly SimVsRealRow[],
  fitRounds: readonly number[],
  byRound: Record<string, number[]> = {},
): string[] {
  const lanes = report.lanes.filter((l) => l.jobsPerSByRound && rows.some((r) => r.realLane === l.lane));
  if (lanes.length === 0) return [];
  const pooled = new Map(rows.map((r) => [r.realLane, r.simJobsPerS]));
  const predicted = (lane: string, i: number) => byRound[lane]?.[i] ?? pooled.get(lane)!;
  const mean = (xs: Array<number | undefined>) => {
    const ok = xs.filter((x): x is number => x !== undefined);
    return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : undefined;
  };
  const fixed = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(2));
  // this run's threads and pool processes (their CPU time over the lane's wall time)
  const ownCores = (l: (typeof lanes)[number], i: number) => {
    const h = l.hostByRound?.[i];
    const s = l.loadByRound?.[i]?.seconds;
    return h?.measuredBy === 'thread-cpu' && s ? (h.busyMs + (h.othersCpuMs ?? 0)) / 1000 / s : undefined;
  };
  return [
    "Each round on this host (mean over the round's lanes of the 1-minute load average at the lane's end, and of the cores busy on the whole host during " +
      "the lane: other work, this run and its pool processes; this run: the CPU time of the bench process's threads and its pool processes over the lane's wall time; " +
      'steal: cores the hypervisor gave to other guests; other work around: threads runnable on the host besides this run in the ' +
      "0.5 s before and the 0.5 s after each lane, while this run was idle), with each lane's measured jobs/s and the gap of the twin given that round's other work:",
    '',
    markdownTable(
      [
        'round',
        'role',
        'load avg',
        'host busy cores',
        'this run cores',
        'steal cores',
        'other work around (threads)',
        ...lanes.map((l) => `${l.lane} jobs/s (gap)`),
      ],
      lanes[0].jobsPerSByRound!.map((_, i) => [
        String(i + 1),
        fitRounds.includes(i + 1) ? 'fit' : 'held out',
        fixed(mean(lanes.map((l) => l.loadByRound?.[i]?.loadAvg1))),
        fixed(mean(lanes.map((l) => l.loadByRound?.[i]?.busyCores))),
        fixed(mean(lanes.map((l) => ownCores(l, i)))),
        fixed(mean(lanes.map((l) => l.loadByRound?.[i]?.stealCores))),
        fixed(mean(lanes.map((l) => otherWorkAround(l.loadByRound?.[i])))),
        ...lanes.map((l) => {
          const real = l.jobsPerSByRound![i];
          return real > 0 ? `${num(real)} (${pct(predicted(l.lane, i) / real - 1, 1)})` : num(real);
        }),
      ]),
    ),
    '',
  ];
}

function hostFitLines(host: NonNullable<BenchReport['simVsReal']>['host'], rounds = 'every round'): string[] {
  if (!host) return [];
  const fits = (['direct', 'scheduler'] as const).filter((p) => host[p]).map((p) => [p, host[p]!] as [string, HostFit]);
  if (fits.length === 0) return [];
  const perRun = Object.entries(host.coresPerRun ?? {});
  return [
    "The serving thread (this process's main thread: load generator, scheduler, pool messaging) is one FIFO server in the twin, " +
      `its cost per job and per session run fitted once per path to its CPU time measured in every lane, ${rounds} (least squares over the lanes${rounds === 'every round' ? '' : ' x rounds'}):`,
    '',
    markdownTable(
      ['path', 'ms per job', 'ms per run', rounds === 'every round' ? 'lanes fitted' : 'lane-rounds fitted', 'worst fit error'],
      fits.map(([path, f]) => [
        path === 'direct' ? 'raw pools' : 'scheduler',
        f.perJobMs.toFixed(3),
        f.perRunMs.toFixed(3),
        String(f.lanes),
        pct(f.worstError, 1),
      ]),
    ),
    '',
    ...fits
      .filter(([, f]) => f.separable === false)
      .flatMap(([path, f]) => [
        `${path === 'direct' ? 'Raw pools' : 'Scheduler'}: runs per job ranged only ${f.runsPerJob[0].toFixed(3)} to ${f.runsPerJob[1].toFixed(3)} over the lanes fitted (less than ${MIN_RUNS_PER_JOB_SPREAD}x apart), too close for busy time to tell a per-run cost from a per-job one: all of it is charged per job, which matches the measured cost at the measured batching and leaves the twin's batching to its queues.`,
        '',
      ]),
    ...(host.cores
      ? [
          `It shares this host's ${host.cores} cores with the devices' runs (processor sharing: while more is running than there are cores, everything slows down in proportion). ` +
            `Cores one run keeps busy per ms of its full-speed work, measured in lanes where one device ran alone as the other threads' (and child processes') CPU time divided by the profile's time of the runs they did (each run's model and rows): ${perRun.map(([d, c]) => `${d} ${c.toFixed(2)}`).join(', ') || 'none measured'}. ` +
            'The twin charges a run that many cores for each ms of its full-speed work, however long sharing stretches it.',
          '',
          ...(host.background
            ? [
                `Other work shared this host. What it demanded is measured in the 0.5 s before and the 0.5 s after each lane, with this run idle, as the threads runnable besides this run ` +
                  `(/proc/stat procs_running, sampled every 10 ms; mean over the fit rounds ${host.background.fit.toFixed(2)}, over the held-out rounds ${host.background.heldOut.toFixed(2)}): ` +
                  'measured around the lanes, not from what they did. The twin gets it as background demand on the shared cores, each thread standing for ' +
                  `${host.background.scale.toFixed(2)} cores of the twin's demand: fitted on the fit rounds only (the twin's jobs/s summed over their lanes equal to the measured sum). ` +
                  "The held-out twin gets the held-out rounds' other work at that scale; the held-out rounds test whether it carried over.",
                '',
              ]
            : []),
          ...(host.effectiveCores !== undefined
            ? [
                `Other work shared this host, so the cores this run got are fitted too, on the fit rounds only (the twin's jobs/s summed over their lanes equal to the measured sum): ` +
                  `${host.effectiveCores.toFixed(2)} of ${host.cores}. The twin uses that for every round; the held-out rounds test whether it carried over.`,
                '',
              ]
            : []),
        ]
      : []),
  ];
}

function scaleSection(report: BenchReport, charts: readonly string[]): string[] {
  const points = report.scale;
  if (!points?.length) return [];
  return [
    '## Scale (simulator)',
    '',
    "Fleets of 1 to 64 devices cycling through the profile's devices (copies at 1, 0.7, 1.3, 0.85, 1.15x speed), " +
      "open-loop Poisson load at fractions of each fleet's LP ideal. Decision cost is the wall-clock time of the " +
      'scheduling framework call on this machine.',
    '',
    scaleTable(points),
    '',
    ...charts.filter((c) => c.startsWith('scale-')).map((c) => `![${c}](charts/${c})\n`),
  ];
}

function scaleTable(points: readonly ScalePoint[]): string {
  return markdownTable(
    ['devices', 'policy', 'load', 'ideal jobs/s', 'jobs/s', 'of ideal', 'served', 'p50 ms', 'p99 ms', 'µs/decision'],
    points.map((p) => [
      p.devices,
      p.policy,
      pct(p.load),
      num(p.idealJobsPerS, 0),
      num(p.throughputJobsPerS, 0),
      pct(p.fractionOfIdeal, 1),
      pct(p.served, 1),
      ms(p.p50Ms),
      ms(p.p99Ms),
      num(p.decisionUs, 2),
    ]),
  );
}
