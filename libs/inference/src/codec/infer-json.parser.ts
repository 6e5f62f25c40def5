import { InvalidRequestError } from '@switchyard/common';

/**
 * A tensor's JSON "data" array read straight into numbers: no JS array, no value per element.
 * Nested (row-major) arrays are flattened; `depth` is how deep they went (1 for a flat array).
 */
export class JsonNumbers {
  constructor(
    /** The values (JSON.parse's doubles; true/false as 1/0), `length` of them used. */
    readonly values: Float64Array,
    readonly length: number,
    readonly depth: number,
    /** Every value was true or false (otherwise every value was a number). */
    readonly booleans: boolean,
    /** Which parse on this thread wrote `values` (they live in the thread's reused arena). */
    private readonly generation: number,
  ) {}

  /**
   * Throws unless the values are still there: they live in memory the next parseInferJson on this
   * thread reuses, so they are read (converted to a tensor) before the next body is parsed.
   */
  assertCurrent(): void {
    if (this.generation !== arena.generation) throw new Error('JsonNumbers read after the next body was parsed on this thread');
  }

  /** The values as JSON.parse would give them (flattened), for the checks that want JS values. */
  toArray(): Array<number | boolean> {
    this.assertCurrent();
    const out = Array.from(this.values.subarray(0, this.length));
    return this.booleans ? out.map((v) => v === 1) : out;
  }
}

/**
 * Where the numbers of every data array go: one Float64Array per thread, reused from body to body
 * (a fresh array per tensor was megabytes of external memory per big body for the GC to find).
 * One grown past ARENA_KEEP_BYTES is dropped at the next parse.
 */
const arena: { values: Float64Array; generation: number } = { values: new Float64Array(1 << 16), generation: 0 };
const ARENA_KEEP_BYTES = 64 * 2 ** 20;

/** How deep objects and arrays may nest outside tensor data (JSON.parse would overflow the stack much deeper). */
const MAX_NESTING = 512;

/** Exact powers of ten (10^22 is the last one a double holds exactly). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
/** Digits go to `high` while it stays below this (then high * 10 + 9 < 2^53). */
const HIGH_LIMIT = 9e14;
/** Digits after `high`'s read exactly (19 significant digits in all, below 2^64). */
const MAX_LOW_DIGITS = 4;
const SPLITTER = 2 ** 27 + 1;

/** The rounding error of a * b (Dekker's product): a * b = fl(a * b) + productError(a, b) exactly. */
function productError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * (high * 10^lowDigits + low) * 10^scale correctly rounded to a double, for up to 19 significant
 * digits and |scale| <= 22: the digits as an exact sum of two doubles, the product or quotient
 * with its error term, and the rounding checked against perturbations far larger than the
 * arithmetic's error (about 2^-95 of the value). Undefined in the rare case that the value sits
 * too close to halfway between two doubles to tell: the caller then uses Number() of the text.
 */
function roundedProduct(high: number, low: number, lowDigits: number, scale: number): number | undefined {
  const scaled = high * POW10[lowDigits];
  const mHigh = scaled + low; // the digits: mHigh + mLow exactly (integers below 2^64)
  const mLow = productError(high, POW10[lowDigits], scaled) + (low - (mHigh - scaled));
  let base: number;
  let rest: number;
  if (scale >= 0) {
    const power = POW10[scale];
    base = mHigh * power;
    rest = productError(mHigh, power, base) + mLow * power;
  } else {
    const power = POW10[-scale];
    base = mHigh / power;
    const back = base * power;
    const remainder = mHigh - back - productError(base, power, back) + mLow;
    rest = remainder / power;
  }
  const rounded = base + rest;
  const margin = Math.abs(base) * 2 ** -80;
  return base + (rest + margin) === rounded && base + (rest - margin) === rounded ? rounded : undefined;
}

/** The bytes the grammar looks at. */
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const UPPER_E = 0x45;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const LOWER_E = 0x65;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;
const LOWER_T = 0x74;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** Where a value sits: tensor data is the "data" array of an object in the root object's "inputs". */
const enum Place {
  Root,
  Inputs,
  Input,
  Other,
}

/**
 * Parses an inference request's JSON text (UTF-8 bytes) with JSON.parse's results, except that
 * each input's "data" array of numbers or booleans comes back as {@link JsonNumbers}, read by a
 * byte-level number tokenizer instead of through a JS array of boxed values (a data array holding
 * anything else, e.g. BYTES strings, is parsed as ordinary JSON). Throws InvalidRequestError
 * ("malformed JSON ...") on text JSON.parse would refuse.
 */
export function parseInferJson(bytes: Buffer, start = 0, end = bytes.length): unknown {
  return new InferJsonParser(bytes, start, end).parseDocument();
}

class InferJsonParser {
  private pos: number;
  private nesting = 0;
  /** Where in the arena the next data array's numbers go. */
  private used = 0;

  /** The bytes as a plain Uint8Array (element reads on it are the parser's inner loop); `text` for decoding slices. */
  private readonly b: Uint8Array;

  constructor(
    private readonly text: Buffer,
    start: number,
    private readonly end: number,
  ) {
    this.b = new Uint8Array(text.buffer, text.byteOffset, text.byteLength);
    this.pos = start;
    arena.generation++;
    if (arena.values.byteLength > ARENA_KEEP_BYTES) arena.values = new Float64Array(1 << 16);
  }

  parseDocument(): unknown {
    const value = this.value(Place.Root);
    this.skipWhitespace();
    if (this.pos < this.end) this.fail('unexpected text after the JSON value');
    return value;
  }

  private value(place: Place): unknown {
    this.skipWhitespace();
    if (this.pos >= this.end) this.fail('unexpected end of the JSON text');
    const c = this.b[this.pos];
    if (c === OPEN_BRACE) return this.object(place);
    if (c === OPEN_BRACKET) return this.array(place);
    if (c === QUOTE) return this.string();
    if (c === MINUS || (c >= ZERO && c <= NINE)) return this.number();
    if (c === LOWER_T) return this.literal('true', true);
    if (c === LOWER_F) return this.literal('false', false);
    if (c === LOWER_N) return this.literal('null', null);
    return this.fail(`unexpected ${this.shownAt(this.pos)}`);
  }

  private object(place: Place): Record<string, unknown> {
    this.enter();
    this.pos++; // {
    const out: Record<string, unknown> = {};
    this.skipWhitespace();
    if (this.b[this.pos] === CLOSE_BRACE) {
      this.pos++;
      this.nesting--;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.b[this.pos] !== QUOTE) this.fail(`expected a property name, found ${this.shownAt(this.pos)}`);
      const key = this.string();
      this.skipWhitespace();
      if (this.b[this.pos] !== COLON) this.fail(`expected ':', found ${this.shownAt(this.pos)}`);
      this.pos++;
      let value: unknown;
      if (place === Place.Input && key === 'data') value = this.tensorData();
      else value = this.value(place === Place.Root && key === 'inputs' ? Place.Inputs : Place.Other);
      if (key === '__proto__') Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
      else out[key] = value;
      this.skipWhitespace();
      const c = this.b[this.pos++];
      if (c === CLOSE_BRACE) break;
      if (c !== COMMA) this.fail(`expected ',' or '}', found ${this.shownAt(this.pos - 1)}`);
    }
    this.nesting--;
    return out;
  }

  private array(place: Place): unknown[] {
    this.enter();
    this.pos++; // [
    const out: unknown[] = [];
    this.skipWhitespace();
    if (this.b[this.pos] === CLOSE_BRACKET) {
      this.pos++;
      this.nesting--;
      return out;
    }
    const itemPlace = place === Place.Inputs ? Place.Input : Place.Other;
    for (;;) {
      out.push(this.value(itemPlace));
      this.skipWhitespace();
      const c = this.b[this.pos++];
      if (c === CLOSE_BRACKET) break;
      if (c !== COMMA) this.fail(`expected ',' or ']', found ${this.shownAt(this.pos - 1)}`);
    }
    this.nesting--;
    return out;
  }

  /**
   * An input's "data": numbers (or booleans) in possibly nested arrays, read into the arena
   * and returned as JsonNumbers. Anything else in it (strings, null, objects, a mix of numbers
   * and booleans, an array after a first scalar) parses the array again as ordinary JSON, for the
   * value checks and their messages.
   */
  private tensorData(): unknown {
    this.skipWhitespace();
    const start = this.pos;
    if (this.b[start] !== OPEN_BRACKET) return this.value(Place.Other);
    const b = this.b;
    const end = this.end;
    let pos = start + 1;
    let depth = 1;
    let maxDepth = 1;
    let count = 0;
    let numbers = 0;
    let booleans = 0;
    let nested = false; // whether the first item was an array (then all of it is flattened)
    let values = arena.values;
    const first = this.used; // values[first + i] is the i-th number
    let canClose = true; // just after '[': ']' may follow
    for (;;) {
      while (pos < end && (b[pos] === SPACE || b[pos] === LF || b[pos] === CR || b[pos] === TAB)) pos++;
      if (pos >= end) {
        this.pos = pos;
        this.fail('unexpected end of the JSON text');
      }
      let c = b[pos];
      if (c === CLOSE_BRACKET && canClose) {
        pos++;
        if (--depth === 0) break;
      } else if (c === OPEN_BRACKET) {
        if (count === 0 && depth === 1 && numbers + booleans === 0) nested = true;
        if (!nested) return this.reparse(start);
        if (++depth > maxDepth) {
          maxDepth = depth;
          if (depth > MAX_NESTING) {
            this.pos = pos;
            this.fail('arrays nested too deep');
          }
        }
        pos++;
        canClose = true;
        continue;
      } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
        if (first + count === values.length) values = this.grow(values);
        // the common spelling inline: [-]digits[.digits], 15 digits at most; anything else by number()
        let at = c === MINUS ? pos + 1 : pos;
        let mantissa = 0;
        let digits = 0;
        let fraction = 0;
        c = b[at];
        if (c > ZERO && c <= NINE) {
          do {
            mantissa = mantissa * 10 + (c - ZERO);
            digits++;
            c = b[++at];
          } while (c >= ZERO && c <= NINE);
        } else if (c === ZERO) c = b[++at];
        else digits = 99;
        if (c === DOT) {
          const first = ++at;
          c = b[at];
          while (c >= ZERO && c <= NINE) {
            mantissa = mantissa * 10 + (c - ZERO);
            c = b[++at];
          }
          fraction = at - first;
          digits += fraction;
          if (fraction === 0) digits = 99;
        }
        if (digits <= 15 && c !== LOWER_E && c !== UPPER_E) {
          const magnitude = fraction === 0 ? mantissa : mantissa / POW10[fraction];
          values[first + count++] = b[pos] === MINUS ? -magnitude : magnitude;
          pos = at;
        } else {
          this.pos = pos;
          values[first + count++] = this.number();
          pos = this.pos;
        }
        numbers++;
      } else if (c === LOWER_T || c === LOWER_F) {
        if (first + count === values.length) values = this.grow(values);
        this.pos = pos;
        values[first + count++] = this.literal(c === LOWER_T ? 'true' : 'false', c === LOWER_T) ? 1 : 0;
        pos = this.pos;
        booleans++;
      } else if (c === CLOSE_BRACKET) {
        this.pos = pos;
        this.fail(`unexpected ']'`);
      } else {
        // a value tensor data cannot hold as numbers: parsed as JSON and checked as such (or refused as malformed)
        return this.reparse(start);
      }
      // after a value or a closed array: ',' or ']'
      while (pos < end && (b[pos] === SPACE || b[pos] === LF || b[pos] === CR || b[pos] === TAB)) pos++;
      c = b[pos];
      if (c === COMMA) {
        pos++;
        canClose = false;
      } else if (c === CLOSE_BRACKET) {
        canClose = true;
      } else {
        this.pos = pos;
        this.fail(pos >= end ? 'unexpected end of the JSON text' : `expected ',' or ']', found ${this.shownAt(pos)}`);
      }
    }
    this.pos = pos;
    if (numbers > 0 && booleans > 0) return this.reparse(start);
    this.used = first + count;
    return new JsonNumbers(values.subarray(first, first + count), count, maxDepth, booleans > 0, arena.generation);
  }

  private reparse(start: number): unknown {
    this.pos = start;
    return this.value(Place.Other);
  }

  /** A twice larger arena with what the earlier arrays hold (their JsonNumbers keep viewing the old one, unchanged). */
  private grow(values: Float64Array): Float64Array {
    const bigger = new Float64Array(values.length * 2);
    bigger.set(values);
    arena.values = bigger;
    return bigger;
  }

  /**
   * A JSON number, strictly by the grammar; the value is the correctly rounded double, as
   * JSON.parse gives: exact arithmetic when the digits fit in 2^53 and the power of ten in 10^22
   * (both exact, one rounding), Number() of the text otherwise.
   */
  private number(): number {
    const b = this.b;
    const end = this.end;
    const start = this.pos;
    let pos = start;
    const negative = b[pos] === MINUS;
    if (negative) pos++;
    // the significant digits: the first ones in `high` (exact below 2^53), up to 4 more in `low`
    let high = 0;
    let low = 0;
    let lowDigits = 0;
    let c = b[pos];
    if (c === ZERO) {
      pos++;
    } else if (c > ZERO && c <= NINE) {
      while (pos < end && (c = b[pos]) >= ZERO && c <= NINE) {
        if (lowDigits === 0 && high < HIGH_LIMIT) high = high * 10 + (c - ZERO);
        else if (lowDigits <= MAX_LOW_DIGITS) {
          low = low * 10 + (c - ZERO);
          lowDigits++;
        }
        pos++;
      }
    } else {
      this.pos = pos;
      this.fail(`expected a digit, found ${this.shownAt(pos)}`);
    }
    let scale = 0;
    if (b[pos] === DOT) {
      pos++;
      const digits = pos;
      while (pos < end && (c = b[pos]) >= ZERO && c <= NINE) {
        if (lowDigits === 0 && high < HIGH_LIMIT) high = high * 10 + (c - ZERO);
        else if (lowDigits <= MAX_LOW_DIGITS) {
          low = low * 10 + (c - ZERO);
          lowDigits++;
        }
        pos++;
      }
      if (pos === digits) {
        this.pos = pos;
        this.fail(`expected a digit after '.', found ${this.shownAt(pos)}`);
      }
      scale = digits - pos;
    }
    c = b[pos];
    if (c === LOWER_E || c === UPPER_E) {
      pos++;
      let expNegative = false;
      c = b[pos];
      if (c === PLUS || c === MINUS) {
        expNegative = c === MINUS;
        pos++;
      }
      const digits = pos;
      let exponent = 0;
      while (pos < end && (c = b[pos]) >= ZERO && c <= NINE) {
        if (exponent < 100_000) exponent = exponent * 10 + (c - ZERO);
        pos++;
      }
      if (pos === digits) {
        this.pos = pos;
        this.fail(`expected a digit in the exponent, found ${this.shownAt(pos)}`);
      }
      scale += expNegative ? -exponent : exponent;
    }
    this.pos = pos;
    if (scale >= -22 && scale <= 22) {
      if (lowDigits === 0) {
        // both exact, so one correctly rounded operation (Clinger's fast path)
        const magnitude = scale >= 0 ? high * POW10[scale] : high / POW10[-scale];
        return negative ? -magnitude : magnitude;
      }
      if (lowDigits <= MAX_LOW_DIGITS) {
        const magnitude = roundedProduct(high, low, lowDigits, scale);
        if (magnitude !== undefined) return negative ? -magnitude : magnitude;
      }
    }
    return Number(this.text.toString('latin1', start, pos));
  }

  private string(): string {
    const b = this.b;
    const start = ++this.pos; // after the opening quote
    let pos = start;
    let escaped = false;
    for (;;) {
      if (pos >= this.end) {
        this.pos = pos;
        this.fail('unterminated string');
      }
      const c = b[pos];
      if (c === QUOTE) break;
      if (c < SPACE) {
        this.pos = pos;
        this.fail('control character in a string');
      }
      if (c === BACKSLASH) {
        escaped = true;
        pos++;
      }
      pos++;
    }
    this.pos = pos + 1;
    if (!escaped) return this.text.toString('utf8', start, pos);
    try {
      return JSON.parse(this.text.toString('utf8', start - 1, pos + 1)) as string; // the escapes, decoded as JSON does
    } catch {
      this.pos = start;
      return this.fail('bad escape in a string');
    }
  }

  private literal<T>(text: string, value: T): T {
    for (let i = 0; i < text.length; i++) {
      if (this.b[this.pos + i] !== text.charCodeAt(i)) {
        this.pos += i;
        this.fail(`unexpected ${this.shownAt(this.pos)}`);
      }
    }
    this.pos += text.length;
    return value;
  }

  private skipWhitespace(): void {
    const b = this.b;
    let pos = this.pos;
    while (pos < this.end && (b[pos] === SPACE || b[pos] === LF || b[pos] === CR || b[pos] === TAB)) pos++;
    this.pos = pos;
  }

  private enter(): void {
    if (++this.nesting > MAX_NESTING) this.fail('objects and arrays nested too deep');
  }

  private shownAt(pos: number): string {
    return pos >= this.end ? 'the end of the text' : JSON.stringify(String.fromCharCode(this.b[pos]));
  }

  private fail(what: string): never {
    throw new InvalidRequestError(`malformed JSON in the inference request: ${what} at byte ${this.pos}`);
  }
}
