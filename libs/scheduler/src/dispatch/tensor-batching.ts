import { BYTES_PER_ELEMENT, elementCount, InferenceFailedError, type WireTensor } from '@switchyard/common';

/**
 * Dynamic batching of wire tensors along dim 0 (Triton's dynamic batcher): requests are
 * compatible when they name the same outputs and every input has the same dtype and the same
 * non-batch dims. Copies are byte copies (Uint8Array#set) on the raw buffers, so every dtype
 * works the same way: a row is elementCount(shape[1..]) * bytes-per-element bytes (BOOL and
 * INT8 1, FP16 2, FP32 4, INT64 8).
 */

/** A key equal for exactly the requests that may share one batch. */
export function batchSignature(inputs: readonly WireTensor[], outputNames: readonly string[] | undefined): string {
  const parts = [...inputs]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((t) => `${t.name}:${t.datatype}:${t.shape.slice(1).join('x')}`);
  const outs = outputNames ? [...outputNames].sort().join(',') : '*';
  return `${parts.join('|')}>${outs}`;
}

/** Bytes of one row (everything after dim 0) of a tensor. */
export function rowBytes(tensor: Pick<WireTensor, 'datatype' | 'shape'>): number {
  return elementCount(tensor.shape.slice(1)) * BYTES_PER_ELEMENT[tensor.datatype];
}

/**
 * Concatenates the requests' inputs along dim 0, in request order. Every request must have the
 * same signature (see {@link batchSignature}); inputs are matched by name.
 */
export function mergeInputs(requests: readonly (readonly WireTensor[])[]): WireTensor[] {
  const first = requests[0];
  return first.map((proto) => {
    const parts = requests.map((inputs) => {
      const t = inputs.find((x) => x.name === proto.name);
      if (!t) throw new InferenceFailedError(`cannot batch: a request lacks input "${proto.name}"`);
      return t;
    });
    const rows = parts.reduce((n, t) => n + t.shape[0], 0);
    const out = new Uint8Array(rows * rowBytes(proto));
    let offset = 0;
    for (const t of parts) {
      out.set(new Uint8Array(t.data), offset);
      offset += t.data.byteLength;
    }
    return { name: proto.name, datatype: proto.datatype, shape: [rows, ...proto.shape.slice(1)], data: out.buffer };
  });
}

/**
 * Cuts a batched run's outputs back into one list per request, `rows[i]` rows for request i.
 *
 * @throws InferenceFailedError when an output's dim 0 is not the batch's total rows (a model
 * whose outputs do not follow its batch dim cannot be batched).
 */
export function splitOutputs(outputs: readonly WireTensor[], rows: readonly number[]): WireTensor[][] {
  const total = rows.reduce((a, b) => a + b, 0);
  const perRequest: WireTensor[][] = rows.map(() => []);
  for (const out of outputs) {
    if (out.shape[0] !== total) {
      throw new InferenceFailedError(`cannot split output "${out.name}": dim 0 is ${out.shape[0]}, the batch had ${total} rows`);
    }
    const bytes = rowBytes(out);
    let start = 0;
    rows.forEach((n, i) => {
      perRequest[i].push({
        name: out.name,
        datatype: out.datatype,
        shape: [n, ...out.shape.slice(1)],
        data: out.data.slice(start, start + n * bytes),
      });
      start += n * bytes;
    });
  }
  return perRequest;
}
