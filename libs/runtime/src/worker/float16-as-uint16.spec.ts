import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { modelRepository } from '../../../../test/support/repo-paths';
import { keepFloat16AsUint16 } from './float16-as-uint16';

describe(keepFloat16AsUint16.name, () => {
  it('keeps float16 data a Uint16Array that onnxruntime-node reads, on every Node (Float16Array exists from Node 24)', async () => {
    const global = Object.getOwnPropertyDescriptor(globalThis, 'Float16Array');
    keepFloat16AsUint16(ort);
    expect(Object.getOwnPropertyDescriptor(globalThis, 'Float16Array')).toEqual(global); // put back
    const data = new Uint16Array([0x3c00, 0xc000, 0x3800, 0]); // 1, -2, 0.5, 0
    const tensor = new ort.Tensor('float16', data, [4]);
    expect(tensor.data).toBe(data);
    const session = await ort.InferenceSession.create(join(modelRepository(), 'dtype_echo', '1', 'model.onnx'));
    const n = 4;
    const feeds: Record<string, ort.Tensor> = {
      in_fp32: new ort.Tensor('float32', new Float32Array(n), [n]),
      in_fp16: tensor,
      in_int64: new ort.Tensor('int64', new BigInt64Array(n), [n]),
      in_int32: new ort.Tensor('int32', new Int32Array(n), [n]),
      in_int8: new ort.Tensor('int8', new Int8Array(n), [n]),
      in_uint8: new ort.Tensor('uint8', new Uint8Array(n), [n]),
      in_bool: new ort.Tensor('bool', new Uint8Array(n), [n]),
    };
    const out = await session.run(feeds);
    expect(Array.from(out.out_fp16.data as Uint16Array)).toEqual(Array.from(data));
    await session.release();
  });
});
