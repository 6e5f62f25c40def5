import { InvalidRequestError } from '@switchyard/common';
import { splitInferBody } from './split-infer-body';

describe(splitInferBody.name, () => {
  const header = { inputs: [{ name: 'x', shape: [2], datatype: 'FP32', parameters: { binary_data_size: 8 } }] };
  const json = Buffer.from(JSON.stringify(header));
  const data = Buffer.from(new Float32Array([1.5, -2]).buffer);

  it('splits the JSON header from the binary data at Inference-Header-Content-Length', () => {
    const sut = splitInferBody(Buffer.concat([json, data]), String(json.length));
    expect(sut.header).toEqual(header);
    expect([...new Float32Array(new Uint8Array(sut.binary).buffer)]).toEqual([1.5, -2]);
  });

  it('reads the whole body as JSON without the header', () => {
    const sut = splitInferBody(json, undefined);
    expect(sut.header).toEqual(header);
    expect(sut.binary.length).toBe(0);
  });

  it('counts the header length in bytes, not characters', () => {
    const unicode = Buffer.from(JSON.stringify({ id: 'größe-✓', inputs: [] }));
    const sut = splitInferBody(Buffer.concat([unicode, Buffer.from([7])]), String(unicode.length));
    expect(sut.header.id).toBe('größe-✓');
    expect([...sut.binary]).toEqual([7]);
  });

  it('reads a body without the header as UTF-8 when it is not all ASCII', () => {
    const sut = splitInferBody(Buffer.from(JSON.stringify({ id: 'größe-✓', inputs: [] })), undefined);
    expect(sut.header.id).toBe('größe-✓');
  });

  it('takes an already parsed JSON object', () => {
    expect(splitInferBody(header, undefined)).toEqual({ header, binary: Buffer.alloc(0) });
  });

  it.each([
    ['an empty body', Buffer.alloc(0), undefined, 'no body'],
    ['no body at all', undefined, undefined, 'no body'],
    ['malformed JSON', Buffer.from('{"inputs": ['), undefined, 'malformed JSON'],
    ['a JSON array', Buffer.from('[1,2]'), undefined, 'must be a JSON object'],
    ['a JSON string', Buffer.from('"x"'), undefined, 'must be a JSON object'],
    ['JSON null', Buffer.from('null'), undefined, 'must be a JSON object'],
    ['a header length past the body', Buffer.from('{}'), '3', 'larger than the body'],
    ['a negative header length', Buffer.from('{}'), '-1', 'is not a byte count'],
    ['a non-numeric header length', Buffer.from('{}'), 'abc', 'is not a byte count'],
    ['a fractional header length', Buffer.from('{}'), '1.5', 'is not a byte count'],
    ['a header length cutting the JSON', Buffer.from('{"inputs":[]}'), '5', 'malformed JSON'],
    ['a header length on a parsed body', { inputs: [] }, '2', 'read as plain JSON'],
  ])('refuses %s with a 400', (_what, body, headerLength, message) => {
    const run = () => splitInferBody(body, headerLength);
    expect(run).toThrow(InvalidRequestError);
    expect(run).toThrow(message);
  });
});
