import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SwitchyardEvents, type SwitchyardEventMap } from '@switchyard/common';
import type { ServedModel } from '@switchyard/models';
import type { InferBatchStatisticsDto, ModelStatisticsDto, StatisticDurationDto } from './model-statistics.dto';

const zero = (): StatisticDurationDto => ({ count: 0, ns: 0 });

/**
 * Triton's statistics extension: per model version counts and cumulative durations of requests
 * (success, fail, queue, compute input/infer/output) and of session runs per batch size, from the
 * 'inference.finished' and 'batch.dispatched' events.
 *
 * @remarks A merged batch's compute time is the sum of its requests' shares (rows / batch rows).
 * Statistics start again at zero when a version is loaded from a different file.
 */
@Injectable()
export class ModelStatisticsService implements OnModuleInit, OnModuleDestroy {
  private readonly byKey = new Map<string, { sha256: string; stats: ModelStatisticsDto; batches: Map<number, InferBatchStatisticsDto> }>();
  private readonly off: Array<() => void> = [];

  constructor(private readonly events: SwitchyardEvents) {}

  onModuleInit(): void {
    this.off.push(this.events.on('inference.finished', (e) => this.onFinished(e)));
    this.off.push(
      this.events.on('batch.dispatched', (e) => {
        const entry = this.byKey.get(e.model);
        if (!entry) return;
        entry.stats.execution_count++;
        this.batch(entry.batches, e.batchSize).compute_infer.count++;
      }),
    );
  }

  onModuleDestroy(): void {
    for (const off of this.off.splice(0)) off();
  }

  /** Statistics of the given served versions (zeros for one without traffic yet). */
  statistics(models: ServedModel[]): ModelStatisticsDto[] {
    return models.map((m) => {
      const entry = this.entry(m.key, m.sha256);
      const batch_stats = [...entry.batches.values()].sort((a, b) => a.batch_size - b.batch_size);
      return { ...entry.stats, name: m.name, version: m.version, batch_stats };
    });
  }

  private onFinished(e: SwitchyardEventMap['inference.finished']): void {
    const entry = this.byKey.get(`${e.model}@${e.version}`) ?? this.entry(`${e.model}@${e.version}`, '');
    const s = entry.stats;
    const i = s.inference_stats;
    s.last_inference = Date.now();
    if (e.outcome === 'error') return add(i.fail, e.totalNs);
    add(i.success, e.totalNs);
    add(i.queue, e.queueNs);
    add(i.compute_input, e.inputNs);
    add(i.compute_infer, e.inferNs);
    add(i.compute_output, e.outputNs);
    s.inference_count += e.batchSize;
    const rows = e.executedBatchSize ?? e.batchSize;
    const b = this.batch(entry.batches, rows);
    const share = e.batchSize / rows;
    b.compute_infer.ns += Math.round(e.inferNs * share);
    add(b.compute_input, e.inputNs);
    add(b.compute_output, e.outputNs);
  }

  private entry(key: string, sha256: string) {
    let entry = this.byKey.get(key);
    if (!entry || (sha256 && entry.sha256 && entry.sha256 !== sha256)) {
      const [name, version] = key.split('@');
      entry = {
        sha256,
        batches: new Map(),
        stats: {
          name,
          version,
          last_inference: 0,
          inference_count: 0,
          execution_count: 0,
          inference_stats: {
            success: zero(),
            fail: zero(),
            queue: zero(),
            compute_input: zero(),
            compute_infer: zero(),
            compute_output: zero(),
            cache_hit: zero(),
            cache_miss: zero(),
          },
          batch_stats: [],
        },
      };
      this.byKey.set(key, entry);
    }
    if (sha256 && !entry.sha256) entry.sha256 = sha256;
    return entry;
  }

  private batch(batches: Map<number, InferBatchStatisticsDto>, size: number): InferBatchStatisticsDto {
    let b = batches.get(size);
    if (!b) {
      b = { batch_size: size, compute_input: zero(), compute_infer: zero(), compute_output: zero() };
      batches.set(size, b);
    }
    return b;
  }
}

function add(d: StatisticDurationDto, ns: number): void {
  d.count++;
  d.ns += Math.max(0, Math.round(ns));
}
