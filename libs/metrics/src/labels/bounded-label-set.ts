/**
 * Label values admitted first come, first served up to a limit; later newcomers share `overflow`.
 * Keeps a label's cardinality bounded whatever the callers send.
 */
export class BoundedLabelSet {
  private readonly values = new Set<string>();

  constructor(
    private readonly limit: number,
    private readonly overflow = 'other',
  ) {}

  admit(value: string): string {
    if (this.values.has(value)) return value;
    if (this.values.size >= this.limit) return this.overflow;
    this.values.add(value);
    return value;
  }
}

/** A free-text reason as a short snake_case token ("Worker died: SIGSEGV" -> "worker_died_sigsegv"). */
export function reasonToken(raw: string | undefined): string {
  const token = (raw ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40)
    .replace(/_+$/, '');
  return token || 'unknown';
}
