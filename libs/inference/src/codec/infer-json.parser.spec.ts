import fc from 'fast-check';
import { InvalidRequestError } from '@switchyard/common';
import { JsonNumbers, parseInferJson } from './infer-json.parser';
import { flattenJsonData, jsonNumbersToBuffer } from './tensor-json.codec';

const parse = (text: string) => parseInferJson(Buffer.from(text));

/** The "data" of the first input, as parsed. */
const dataOf = (parsed: unknown) => (parsed as { inputs: Array<{ data: unknown }> }).inputs[0].data;

/** A number as JSON allows it, in any of its spellings (leading zeros of the fraction, exponents, -0). */
const numberText = fc.stringMatching(/^-?(0|[1-9]\d{0,24})(\.\d{1,24})?([eE][+-]?\d{1,3})?$/);

/** JSON text with the same value as `text` but whitespace between its tokens. */
const spaced = (text: string) => JSON.stringify(JSON.parse(text), null, ' \t\r');

const sameValue = (a: number, b: number) => Object.is(a, b);

/**
 * `parsed` with each JsonNumbers checked against JSON.parse's array at the same place (`expected`,
 * flattened) and then replaced by that array, for one deep comparison of the rest.
 */
function withFlatTensorData(parsed: unknown, expected: unknown): unknown {
  const inputs = (parsed as { inputs?: unknown } | null)?.inputs;
  if (!Array.isArray(inputs)) return parsed;
  inputs.forEach((input: unknown, i) => {
    const data = (input as { data?: unknown } | null)?.data;
    if (!(data instanceof JsonNumbers)) return;
    const original = (expected as { inputs: Array<{ data: unknown[] }> }).inputs[i].data;
    expect(data.toArray()).toEqual(flattenJsonData(original, 1000, 'x'));
    (input as { data: unknown }).data = original;
  });
  return parsed;
}

describe(parseInferJson.name, () => {
  it('gives what JSON.parse gives for any JSON document', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(parse(text)).toEqual(JSON.parse(text));
        expect(parse(spaced(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('reads every spelling of a number in tensor data as JSON.parse does, exactly', () => {
    fc.assert(
      fc.property(fc.array(numberText, { maxLength: 50 }), (texts) => {
        const text = `{"inputs":[{"name":"x","data":[${texts.join(',')}]}]}`;
        const data = dataOf(parse(text));
        expect(data).toBeInstanceOf(JsonNumbers);
        const numbers = data as JsonNumbers;
        const expected = texts.map(Number);
        expect(numbers.length).toBe(expected.length);
        expected.forEach((v, i) => expect(sameValue(numbers.values[i], v)).toBe(true));
      }),
      { numRuns: 1000 },
    );
  });

  it('rounds numbers of 16 to 19 significant digits correctly, halfway cases included', () => {
    const long = fc.stringMatching(/^-?[1-9]\d{15,18}(e-?\d{1,2})?$/).map((t) => {
      const [digits, exp] = t.split('e');
      const dot = Math.min(digits.length - 1, Number(exp ?? 0) & 7); // a decimal point somewhere too
      return dot > 0 ? `${digits.slice(0, -dot)}.${digits.slice(-dot)}${exp !== undefined ? `e${exp}` : ''}` : t;
    });
    const halfway = ['9007199254740993', '9007199254740995', '18014398509481993', '0.30000000000000001665', '2.2250738585072014e-8'];
    fc.assert(
      fc.property(fc.array(long, { minLength: 1, maxLength: 50 }), (texts) => {
        const all = [...texts, ...halfway];
        const numbers = dataOf(parse(`{"inputs":[{"data":[${all.join(',')}]}]}`)) as JsonNumbers;
        all.forEach((t, i) => expect([t, numbers.values[i]]).toEqual([t, Number(t)]));
      }),
      { numRuns: 2000 },
    );
  });

  it('rounds FP32 data as Math.fround(Number(text)) and keeps integers exact', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(numberText, fc.double({ noNaN: true, noDefaultInfinity: true }).map(String)), { minLength: 1, maxLength: 40 }),
        fc.array(fc.maxSafeInteger(), { minLength: 1, maxLength: 40 }),
        (floats, ints) => {
          const text = `{"inputs":[{"name":"f","data":[${floats.join(',')}]},{"name":"i","data":${JSON.stringify(ints)}}]}`;
          const parsed = parse(text) as { inputs: Array<{ data: JsonNumbers }> };
          const fp32 = new Float32Array(jsonNumbersToBuffer(parsed.inputs[0].data, 'FP32', 'f'));
          floats.forEach((t, i) => expect(sameValue(fp32[i], Math.fround(Number(t)))).toBe(true));
          const int64 = new BigInt64Array(jsonNumbersToBuffer(parsed.inputs[1].data, 'INT64', 'i'));
          expect(Array.from(int64, Number)).toEqual(ints);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('flattens nested data as the tensor codec flattens JSON.parse output, and says how deep it went', () => {
    const nested = fc.letrec<{ tree: unknown }>((tie) => ({
      tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.integer(), fc.array(tie('tree'), { maxLength: 4 })),
    })).tree;
    fc.assert(
      fc.property(fc.array(fc.array(nested, { maxLength: 4 }), { minLength: 1, maxLength: 4 }), (rows) => {
        const text = JSON.stringify({ inputs: [{ name: 'x', data: rows }] });
        const data = dataOf(parse(text)) as JsonNumbers;
        expect(data).toBeInstanceOf(JsonNumbers);
        expect(data.toArray()).toEqual(flattenJsonData(rows, 64, 'x'));
        const depth = (v: unknown): number => (Array.isArray(v) ? 1 + Math.max(0, ...v.map(depth)) : 0);
        expect(data.depth).toBe(Math.max(1, depth(rows)));
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['booleans', '[true,false,true]', (d: unknown) => d instanceof JsonNumbers && d.booleans && d.toArray().join() === 'true,false,true'],
    ['strings (BYTES)', '["a","b"]', (d: unknown) => Array.isArray(d) && d.join() === 'a,b'],
    ['numbers and booleans mixed', '[1,true]', (d: unknown) => Array.isArray(d) && d[1] === true],
    ['a null among numbers', '[1,null]', (d: unknown) => Array.isArray(d) && d[1] === null],
    ['an array after a first number', '[1,[2]]', (d: unknown) => Array.isArray(d) && Array.isArray(d[1])],
    ['null instead of an array', 'null', (d: unknown) => d === null],
  ])('reads data holding %s', (_what, data, check) => {
    expect(check(dataOf(parse(`{"inputs":[{"name":"x","data":${data}}]}`)))).toBe(true);
  });

  it('reads numbers as tensor data only in inputs[].data', () => {
    const parsed = parse('{"data":[1],"inputs":[{"parameters":{"data":[2]},"data":[3]}],"outputs":[{"data":[4]}]}') as Record<
      string,
      unknown
    >;
    expect(parsed.data).toEqual([1]);
    expect(parsed.outputs).toEqual([{ data: [4] }]);
    const input = (parsed.inputs as Array<Record<string, unknown>>)[0];
    expect(input.parameters).toEqual({ data: [2] });
    expect(input.data).toBeInstanceOf(JsonNumbers);
  });

  it('refuses to read numbers whose memory the next parse on the thread reused', () => {
    const first = dataOf(parse('{"inputs":[{"data":[1,2,3]}]}')) as JsonNumbers;
    expect(first.toArray()).toEqual([1, 2, 3]);
    parse('{"inputs":[{"data":[4,5,6]}]}');
    expect(() => first.toArray()).toThrow('read after the next body was parsed');
    expect(() => jsonNumbersToBuffer(first, 'INT32', 'x')).toThrow('read after the next body was parsed');
  });

  it('keeps "__proto__" as an own property, as JSON.parse does', () => {
    const parsed = parse('{"__proto__":{"polluted":true},"inputs":[]}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed)).toEqual(['__proto__', 'inputs']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses exactly the texts JSON.parse refuses, with a 400', () => {
    const document = fc.json().map((j) => `{"inputs":[{"name":"x","data":[1,2.5,-3e2,[4]]}],"p":${j}}`);
    const broken = fc
      .tuple(fc.oneof(document, fc.json()), fc.nat(), fc.nat({ max: 3 }), fc.constantFrom(...'{}[],:"\\-+.eE0 tfn1x'.split('')))
      .map(([text, at, edit, ch]) => {
        const i = at % (text.length + 1);
        if (edit === 0) return text.slice(0, i) + text.slice(i + 1); // a byte deleted
        if (edit === 1) return text.slice(0, i) + ch + text.slice(i); // a byte inserted
        if (edit === 2) return text.slice(0, i); // cut short
        return text.slice(0, i) + ch + text.slice(i + 1); // a byte replaced
      });
    fc.assert(
      fc.property(broken, (text) => {
        let expected: unknown;
        try {
          expected = JSON.parse(text);
        } catch {
          expected = undefined;
        }
        if (expected === undefined) {
          expect(() => parse(text)).toThrow(InvalidRequestError);
          expect(() => parse(text)).toThrow('malformed JSON in the inference request');
        } else {
          expect(withFlatTensorData(parse(text), expected)).toEqual(expected);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['cut inside tensor data', '{"inputs":[{"data":[1,2', 'unexpected end'],
    ['a trailing comma in tensor data', '{"inputs":[{"data":[1,2,]}]}', "unexpected ']'"],
    ['a bad number in tensor data', '{"inputs":[{"data":[1,-]}]}', 'expected a digit'],
    ['text after the document', '{"inputs":[]} x', 'after the JSON value'],
    ['deep nesting', '['.repeat(600), 'nested too deep'],
  ])('names the problem: %s', (_what, text, message) => {
    expect(() => parse(text)).toThrow(message);
  });
});
