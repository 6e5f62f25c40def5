import { seededRandom, type TensorDataType } from '@switchyard/common';
import { bufferToJsonText } from './tensor-json.encoder';
import { bufferToJsonValues } from './tensor-json.values';

/** The jobs API's values must be what a client parsing the /v2 JSON text would get. */
describe('bufferToJsonValues', () => {
  const random = seededRandom(9);
  const words = new Uint32Array(4096);
  for (let i = 0; i < words.length; i++) words[i] = Math.floor(random() * 2 ** 32);
  // keep the 64-bit values safe integers, where JSON numbers are exact
  for (let i = 1; i < words.length; i += 2) words[i] = i % 4 === 1 ? words[i] & 0xfffff : 0xfff00000 | words[i];

  it.each(['FP32', 'FP16', 'FP64', 'INT64', 'UINT64', 'INT32', 'UINT32', 'INT16', 'UINT16', 'INT8', 'UINT8', 'BOOL'] as TensorDataType[])(
    'gives for %s what JSON.parse of the encoded text gives',
    (datatype) => {
      const expected = JSON.parse(bufferToJsonText(words.buffer, datatype)) as unknown[];
      const sut = bufferToJsonValues(words.buffer, datatype);
      // -0 prints as "-0" and parses back as -0; JSON storage writes both zeros as 0
      expect(sut.map((v) => (v === 0 ? 0 : v))).toEqual(expected.map((v) => (v === 0 ? 0 : v)));
    },
  );
});
