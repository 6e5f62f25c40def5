import type { TensorDataType } from '@switchyard/common';

/** A typed view of a tensor of one of the small integer types (8, 16 or 32 bits). */
export function smallIntView(datatype: TensorDataType, buffer: ArrayBuffer) {
  switch (datatype) {
    case 'INT8':
      return new Int8Array(buffer);
    case 'INT16':
      return new Int16Array(buffer);
    case 'INT32':
      return new Int32Array(buffer);
    case 'UINT8':
      return new Uint8Array(buffer);
    case 'UINT16':
      return new Uint16Array(buffer);
    case 'UINT32':
      return new Uint32Array(buffer);
    default:
      throw new Error(`${datatype} is not a small integer type`);
  }
}
