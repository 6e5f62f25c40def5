/** Sub-millisecond to 10 s: CPU runs of tiny models take ~100 us, a software-WebGPU run seconds. */
export const DURATION_BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A scheduling decision is plain arithmetic over a handful of devices: 1 us to 10 ms. */
export const DECISION_BUCKETS_SECONDS = [0.000001, 0.0000025, 0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.01];

/** Rows per session run. */
export const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/** |predicted - actual| / actual: 0.1 is a prediction within 10 %. */
export const PREDICTION_ERROR_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];
