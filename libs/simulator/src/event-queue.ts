/** A simulation event: what happens at `time`; `seq` orders events at the same time (FIFO). */
export interface SimEvent<T> {
  time: number;
  seq: number;
  payload: T;
}

/** Min-heap of events by (time, seq): the discrete-event simulator's agenda. */
export class EventQueue<T> {
  private readonly heap: SimEvent<T>[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: number, payload: T): void {
    const heap = this.heap;
    heap.push({ time, seq: this.nextSeq++, payload });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  pop(): SimEvent<T> | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l], heap[m])) m = l;
        if (r < heap.length && before(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  }
}

function before<T>(a: SimEvent<T>, b: SimEvent<T>): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
