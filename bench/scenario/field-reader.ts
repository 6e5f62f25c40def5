import { ScenarioValidationError } from './scenario-validation.error';

type Plain = Record<string, unknown>;

/**
 * Reads typed fields out of a parsed YAML/JSON object, failing with the dotted path of the field
 * at fault. Unknown keys are refused too, so a typo ("rate_per_sec") is not silently a default.
 */
export class FieldReader {
  constructor(
    private readonly obj: Plain,
    private readonly path: string,
    private readonly file?: string,
  ) {}

  static root(value: unknown, file?: string): FieldReader {
    if (!isPlain(value)) throw new ScenarioValidationError('(root)', 'must be a mapping of fields', file);
    return new FieldReader(value, '', file);
  }

  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  fail(key: string, problem: string): never {
    throw new ScenarioValidationError(this.at(key), problem, this.file);
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  raw(key: string): unknown {
    return this.obj[key];
  }

  onlyKeys(keys: readonly string[]): void {
    for (const key of Object.keys(this.obj)) {
      if (!keys.includes(key)) this.fail(key, `is not a known field (known here: ${keys.join(', ')})`);
    }
  }

  string(key: string, fallback?: string): string {
    const v = this.obj[key] ?? fallback;
    if (typeof v !== 'string' || v.length === 0) this.fail(key, 'must be a non-empty string');
    return v;
  }

  number(key: string, fallback: number | undefined, check: (n: number) => boolean, rule: string): number {
    const v = this.obj[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) this.fail(key, `must be ${rule}, got ${shown(v)}`);
    return v;
  }

  optionalNumber(key: string, check: (n: number) => boolean, rule: string): number | undefined {
    return this.has(key) ? this.number(key, undefined, check, rule) : undefined;
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.obj[key] ?? fallback;
    if (typeof v !== 'boolean') this.fail(key, `must be true or false, got ${shown(v)}`);
    return v;
  }

  stringList(key: string, fallback: string[]): string[] {
    const v = this.obj[key] ?? fallback;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.length === 0)) this.fail(key, 'must be a list of names');
    return v as string[];
  }

  numberList(key: string, check: (n: number) => boolean, rule: string): number[] {
    const v = this.obj[key];
    if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'number' || !check(x))) {
      this.fail(key, `must be a non-empty list of numbers ${rule}`);
    }
    return v as number[];
  }

  child(key: string): FieldReader {
    const v = this.obj[key];
    if (!isPlain(v)) this.fail(key, 'must be a mapping of fields');
    return new FieldReader(v, this.at(key), this.file);
  }

  list(key: string): FieldReader[] {
    const v = this.obj[key];
    if (!Array.isArray(v) || v.length === 0) this.fail(key, 'must be a non-empty list');
    return v.map((item, i) => {
      if (!isPlain(item)) throw new ScenarioValidationError(`${this.at(key)}[${i}]`, 'must be a mapping of fields', this.file);
      return new FieldReader(item, `${this.at(key)}[${i}]`, this.file);
    });
  }

  entries(): [string, unknown][] {
    return Object.entries(this.obj);
  }
}

export function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function shown(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}
