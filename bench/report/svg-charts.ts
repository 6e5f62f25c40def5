import { escapeXml, fmt, legend, line, niceMax, PALETTE, rect, shortNumber, svgDocument, text } from './svg-primitives';

export interface BarSeries {
  name: string;
  values: readonly number[];
}

export interface BarChartSpec {
  title: string;
  /** One row per category (lane). */
  categories: readonly string[];
  series: readonly BarSeries[];
  unit: string;
  /** Vertical reference lines, e.g. the LP ideal. */
  references?: ReadonlyArray<{ value: number; label: string }>;
}

const WIDTH = 820;
const LABEL_W = 210;
const PLOT_W = WIDTH - LABEL_W - 70;

/** Horizontal grouped bars: a row per category, a bar per series, values printed at the bar ends. */
export function barChart(spec: BarChartSpec): string {
  const barH = 14;
  const rowH = spec.series.length * barH + 10;
  const top = spec.series.length > 1 ? 48 : 36;
  const height = top + spec.categories.length * rowH + 40;
  const all = [...spec.series.flatMap((s) => s.values), ...(spec.references ?? []).map((r) => r.value)].filter(Number.isFinite);
  const max = niceMax(Math.max(0, ...all));
  const x = (v: number) => LABEL_W + (Math.max(0, v) / max) * PLOT_W;
  const body: string[] = [];
  if (spec.series.length > 1)
    body.push(
      ...legend(
        LABEL_W,
        38,
        spec.series.map((s) => s.name),
      ),
    );
  spec.categories.forEach((category, c) => {
    const y0 = top + c * rowH;
    body.push(text(LABEL_W - 8, y0 + rowH / 2 + 3, category, 'text-anchor="end"'));
    spec.series.forEach((s, k) => {
      const v = s.values[c];
      const y = y0 + 5 + k * barH;
      body.push(
        rect(LABEL_W, y, x(v) - LABEL_W, barH - 2, PALETTE[k % PALETTE.length], `${category} ${s.name}: ${shortNumber(v)} ${spec.unit}`),
      );
      body.push(text(x(v) + 4, y + barH - 4, shortNumber(v), 'font-size="10"'));
    });
  });
  const bottom = top + spec.categories.length * rowH;
  body.push(...axis(bottom, max, spec.unit, x));
  for (const ref of spec.references ?? []) {
    body.push(line(x(ref.value), top - 4, x(ref.value), bottom, '#cc0000', 'stroke-dasharray="5,3" stroke-width="1.5"'));
    body.push(text(x(ref.value), top - 7, `${ref.label} ${shortNumber(ref.value)}`, 'text-anchor="middle" fill="#cc0000" font-size="10"'));
  }
  return svgDocument(WIDTH, height, spec.title, body);
}

export interface StackedBarSpec {
  title: string;
  categories: readonly string[];
  /** One segment per part (device); values are fractions of each category's total. */
  segments: readonly BarSeries[];
}

/** Horizontal 100 % stacked bars (share of jobs per device, per lane). */
export function stackedShareChart(spec: StackedBarSpec): string {
  const rowH = 22;
  const top = 48;
  const height = top + spec.categories.length * rowH + 40;
  const x = (v: number) => LABEL_W + v * PLOT_W;
  const body: string[] = [
    ...legend(
      LABEL_W,
      38,
      spec.segments.map((s) => s.name),
    ),
  ];
  spec.categories.forEach((category, c) => {
    const y = top + c * rowH + 3;
    body.push(text(LABEL_W - 8, y + 12, category, 'text-anchor="end"'));
    let acc = 0;
    spec.segments.forEach((s, k) => {
      const v = Number.isFinite(s.values[c]) ? s.values[c] : 0;
      body.push(rect(x(acc), y, v * PLOT_W, rowH - 6, PALETTE[k % PALETTE.length], `${category} ${s.name}: ${(v * 100).toFixed(1)} %`));
      if (v >= 0.08)
        body.push(text(x(acc + v / 2), y + 12, `${Math.round(v * 100)}%`, 'text-anchor="middle" fill="#ffffff" font-size="10"'));
      acc += v;
    });
  });
  body.push(
    ...axis(
      top + spec.categories.length * rowH,
      1,
      'share of jobs',
      (v) => x(v),
      (v) => `${Math.round(v * 100)}%`,
    ),
  );
  return svgDocument(WIDTH, height, spec.title, body);
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  xs: readonly number[];
  series: ReadonlyArray<{ name: string; ys: readonly number[] }>;
  logX?: boolean;
  logY?: boolean;
  xFormat?: (v: number) => string;
  /** Horizontal reference lines. */
  references?: ReadonlyArray<{ value: number; label: string }>;
}

/** Lines with markers over a shared x axis (optionally log-scaled). */
export function lineChart(spec: LineChartSpec): string {
  const width = 820;
  const height = 380;
  const left = 80;
  const right = 20;
  const top = 52;
  const bottom = 50;
  const ys = [...spec.series.flatMap((s) => s.ys), ...(spec.references ?? []).map((r) => r.value)].filter(
    (v) => Number.isFinite(v) && (!spec.logY || v > 0),
  );
  const tx = scale(spec.xs, left, width - right, spec.logX);
  const yMin = spec.logY ? Math.min(...ys) : 0;
  const yMax = spec.logY ? Math.max(...ys) : niceMax(Math.max(0, ...ys));
  const ty = scale([yMin, yMax], height - bottom, top, spec.logY);
  const body: string[] = [
    ...legend(
      left,
      38,
      spec.series.map((s) => s.name),
    ),
  ];
  body.push(line(left, height - bottom, width - right, height - bottom, '#333333'), line(left, top, left, height - bottom, '#333333'));
  for (const v of spec.xs) {
    body.push(line(tx(v), height - bottom, tx(v), height - bottom + 4, '#333333'));
    body.push(text(tx(v), height - bottom + 16, spec.xFormat ? spec.xFormat(v) : shortNumber(v), 'text-anchor="middle" font-size="10"'));
  }
  for (const v of ticks(yMin, yMax, spec.logY)) {
    body.push(line(left - 4, ty(v), width - right, ty(v), '#e0e0e0'));
    body.push(text(left - 6, ty(v) + 3, shortNumber(v), 'text-anchor="end" font-size="10"'));
  }
  body.push(text((left + width - right) / 2, height - 12, spec.xLabel, 'text-anchor="middle"'));
  body.push(
    `<text x="16" y="${fmt((top + height - bottom) / 2)}" text-anchor="middle" transform="rotate(-90 16 ${fmt((top + height - bottom) / 2)})">${escapeXml(spec.yLabel)}</text>`,
  );
  for (const ref of spec.references ?? []) {
    body.push(line(left, ty(ref.value), width - right, ty(ref.value), '#cc0000', 'stroke-dasharray="5,3"'));
    body.push(text(width - right - 4, ty(ref.value) - 4, ref.label, 'text-anchor="end" fill="#cc0000" font-size="10"'));
  }
  spec.series.forEach((s, k) => {
    const colour = PALETTE[k % PALETTE.length];
    const pts = spec.xs.map((x, i) => [x, s.ys[i]] as const).filter(([, y]) => Number.isFinite(y) && (!spec.logY || y > 0));
    if (pts.length > 1)
      body.push(
        `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.map(([x, y]) => `${fmt(tx(x))},${fmt(ty(y))}`).join(' ')}"/>`,
      );
    for (const [x, y] of pts)
      body.push(
        `<circle cx="${fmt(tx(x))}" cy="${fmt(ty(y))}" r="3" fill="${colour}"><title>${escapeXml(`${s.name}: ${shortNumber(x)} -> ${shortNumber(y)}`)}</title></circle>`,
      );
  });
  return svgDocument(width, height, spec.title, body);
}

function axis(y: number, max: number, unit: string, x: (v: number) => number, label: (v: number) => string = shortNumber): string[] {
  const out = [line(LABEL_W, y, LABEL_W + PLOT_W, y, '#333333')];
  for (let i = 0; i <= 5; i++) {
    const v = (max * i) / 5;
    out.push(line(x(v), y, x(v), y + 4, '#333333'), text(x(v), y + 16, label(v), 'text-anchor="middle" font-size="10"'));
  }
  out.push(text(LABEL_W + PLOT_W / 2, y + 32, unit, 'text-anchor="middle"'));
  return out;
}

function scale(domain: readonly number[], from: number, to: number, log?: boolean): (v: number) => number {
  const f = (v: number) => (log ? Math.log10(v) : v);
  const lo = Math.min(...domain.map(f));
  const hi = Math.max(...domain.map(f));
  const span = hi - lo || 1;
  return (v) => from + ((f(v) - lo) / span) * (to - from);
}

function ticks(lo: number, hi: number, log?: boolean): number[] {
  if (!log) return [0, 1, 2, 3, 4, 5].map((i) => (hi * i) / 5);
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}
