import { InvalidRequestError } from '@switchyard/common';
import type { InferParameterMessage, ParameterMap } from '../interfaces/grpc-messages.interface';

type PlainValue = boolean | number | string;

/**
 * A gRPC parameters map as the plain JSON object the HTTP request carries ({"timeout": 20000,
 * "device": "cpu:0"}), so that one reader (readRequestOptions and the validator) checks both.
 */
export function readParameterMap(map: ParameterMap | undefined, where: string): Record<string, PlainValue> {
  const out: Record<string, PlainValue> = {};
  for (const [key, parameter] of Object.entries(map ?? {})) out[key] = readParameter(parameter, `${where} parameter "${key}"`);
  return out;
}

function readParameter(parameter: InferParameterMessage, where: string): PlainValue {
  switch (parameter.parameter_choice) {
    case 'bool_param':
      return parameter.bool_param === true;
    case 'int64_param':
    case 'uint64_param':
      return Number(parameter[parameter.parameter_choice]);
    case 'double_param':
      return Number(parameter.double_param);
    case 'string_param':
      return parameter.string_param ?? '';
    case 'bytes_param':
      return (parameter.bytes_param ?? Buffer.alloc(0)).toString('utf8');
    default:
      throw new InvalidRequestError(`${where} has no value`);
  }
}

/** A plain parameters object (the response envelope's) as a gRPC parameters map. */
export function toParameterMap(values: Record<string, unknown>): ParameterMap {
  const out: ParameterMap = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'boolean') out[key] = { bool_param: value };
    else if (typeof value === 'string') out[key] = { string_param: value };
    else if (typeof value === 'number') out[key] = Number.isSafeInteger(value) ? { int64_param: value } : { double_param: value };
  }
  return out;
}
