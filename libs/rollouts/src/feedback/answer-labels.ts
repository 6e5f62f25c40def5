import { decodeBytesElements, type WireTensor } from '@switchyard/common';

const FLOAT_VIEWS: Record<string, (b: ArrayBuffer) => ArrayLike<number | bigint>> = {
  FP32: (b) => new Float32Array(b),
  FP64: (b) => new Float64Array(b),
  INT8: (b) => new Int8Array(b),
  UINT8: (b) => new Uint8Array(b),
  INT16: (b) => new Int16Array(b),
  UINT16: (b) => new Uint16Array(b),
  INT32: (b) => new Int32Array(b),
  UINT32: (b) => new Uint32Array(b),
  INT64: (b) => new BigInt64Array(b),
  UINT64: (b) => new BigUint64Array(b),
  BOOL: (b) => new Uint8Array(b),
};

/**
 * The answer of each row of a model's first output, as a label: the argmax of the row (a class
 * index) when rows have several values, the value itself when they have one, the string of a
 * BYTES element. Feedback labels and shadow agreement compare these.
 */
export function answerLabels(outputs: readonly WireTensor[]): string[] {
  const first = outputs[0];
  if (!first) return [];
  if (first.datatype === 'BYTES') {
    const elements = decodeBytesElements(first.data);
    return 'problem' in elements ? [] : elements.map((e) => Buffer.from(e.buffer, e.byteOffset, e.byteLength).toString('utf8'));
  }
  const view = FLOAT_VIEWS[first.datatype]?.(first.data);
  if (!view) return [];
  const perRow = first.shape.length > 1 ? first.shape.slice(1).reduce((a, b) => a * b, 1) : view.length;
  const rows: string[] = [];
  for (let start = 0; start + perRow <= view.length && perRow > 0; start += perRow) {
    if (perRow === 1) {
      rows.push(String(view[start]));
      continue;
    }
    let best = start;
    for (let i = start + 1; i < start + perRow; i++) if (view[i] > view[best]) best = i;
    rows.push(String(best - start));
  }
  return rows;
}
