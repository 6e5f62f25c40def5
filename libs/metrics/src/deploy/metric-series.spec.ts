import { metricNamesIn } from './metric-series';

describe(metricNamesIn.name, () => {
  it.each([
    ['sum by (device) (rate(switchyard_requests_total{outcome="ok"}[5m]))', ['switchyard_requests_total']],
    [
      'histogram_quantile(0.99, sum by (device, le) (rate(switchyard_request_duration_seconds_bucket{device="$device"}[$__rate_interval])))',
      ['switchyard_request_duration_seconds_bucket'],
    ],
    ['max by (instance) (switchyard_queue_depth / switchyard_queue_limit) > 0.8', ['switchyard_queue_depth', 'switchyard_queue_limit']],
    ['a / ignoring(device) group_left sum without (x) (b)', ['a', 'b']],
    ['up{job="switchyard"} == 0', ['up']],
    ['label_values(switchyard_device_info{usable="true"}, device)', ['switchyard_device_info', 'device']],
  ])('%s -> %j', (expr, names) => {
    expect(metricNamesIn(expr)).toEqual(names);
  });
});
