/** A count and its cumulative duration, as Triton's StatisticDuration. */
export interface StatisticDurationDto {
  count: number;
  ns: number;
}

/** Triton's InferStatistics. */
export interface InferStatisticsDto {
  success: StatisticDurationDto;
  fail: StatisticDurationDto;
  queue: StatisticDurationDto;
  compute_input: StatisticDurationDto;
  compute_infer: StatisticDurationDto;
  compute_output: StatisticDurationDto;
  cache_hit: StatisticDurationDto;
  cache_miss: StatisticDurationDto;
}

/** Triton's InferBatchStatistics: session runs of one batch size. */
export interface InferBatchStatisticsDto {
  batch_size: number;
  compute_input: StatisticDurationDto;
  compute_infer: StatisticDurationDto;
  compute_output: StatisticDurationDto;
}

/** One model version's statistics (Triton's ModelStatistics). */
export interface ModelStatisticsDto {
  name: string;
  version: string;
  /** ms since the epoch of the last request, 0 when none. */
  last_inference: number;
  /** Rows inferred (batch dims summed), successful requests only. */
  inference_count: number;
  /** Session runs (a merged batch counts once). */
  execution_count: number;
  inference_stats: InferStatisticsDto;
  batch_stats: InferBatchStatisticsDto[];
}

/** GET /v2/models[/{m}[/versions/{v}]]/stats */
export interface ModelStatisticsResponseDto {
  model_stats: ModelStatisticsDto[];
}
