import type { TensorDataType } from './tensor-data-type';

/**
 * A tensor as it crosses thread and process boundaries: raw little-endian bytes plus dtype and
 * shape. `data` is a whole ArrayBuffer holding exactly the tensor's bytes (no offset), so it can
 * be put in a transfer list.
 *
 * @remarks Ownership moves with the message: after posting a WireTensor with its buffer in the
 * transfer list, the sender must not touch `data` again (it is detached).
 * BOOL is one byte per element (0 or 1); FP16 is IEEE binary16 bits.
 */
export interface WireTensor {
  name: string;
  datatype: TensorDataType;
  shape: number[];
  data: ArrayBuffer;
}
