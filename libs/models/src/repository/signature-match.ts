import type { ModelSessionMetadata, SessionTensorMetadata } from '@switchyard/runtime';

/**
 * Why a session's signature differs from the reference one (names, datatypes, ranks and fixed
 * dims of every input and output), or undefined when they agree. A free dim (symbolic, or -1)
 * matches any size: a server may fix in its config a dim the model leaves free.
 */
export function signatureMismatch(reference: ModelSessionMetadata, other: ModelSessionMetadata): string | undefined {
  return compare('input', reference.inputs, other.inputs) ?? compare('output', reference.outputs, other.outputs);
}

function compare(what: string, expected: SessionTensorMetadata[], actual: SessionTensorMetadata[]): string | undefined {
  const names = (list: SessionTensorMetadata[]) => list.map((t) => t.name).sort();
  if (names(expected).join('\u0000') !== names(actual).join('\u0000')) {
    return `${what}s ${JSON.stringify(names(actual))}, expected ${JSON.stringify(names(expected))}`;
  }
  for (const e of expected) {
    const a = actual.find((t) => t.name === e.name)!;
    if (a.datatype !== e.datatype) return `${what} "${e.name}" is ${a.datatype}, expected ${e.datatype}`;
    const fits = a.shape.length === e.shape.length && a.shape.every((d, i) => free(d) || free(e.shape[i]) || d === e.shape[i]);
    if (!fits) return `${what} "${e.name}" has shape ${JSON.stringify(a.shape)}, expected ${JSON.stringify(e.shape)}`;
  }
  return undefined;
}

function free(dim: number | string): boolean {
  return typeof dim !== 'number' || dim < 0;
}
