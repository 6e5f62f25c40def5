import { Injectable } from '@nestjs/common';
import { BufferPool } from './buffer-pool';

/** Bytes of released tensor buffers the main thread keeps for reuse. */
const RETAINED_BYTES = 256 * 2 ** 20;

/**
 * The main thread's tensor memory, owned by the runtime: request decoding and batch merging
 * acquire here; the device pools return input buffers after each run and callers release output
 * buffers once they are encoded, so steady traffic reuses memory instead of allocating.
 *
 * @remarks A released buffer belongs to the pool: the releaser must not touch it again. Buffers
 * decoded on a codec worker thread arrive fresh and join the pool when released.
 */
@Injectable()
export class TensorMemoryService extends BufferPool {
  constructor() {
    super(RETAINED_BYTES);
  }
}
