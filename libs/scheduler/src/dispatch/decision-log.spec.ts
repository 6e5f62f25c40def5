import { DecisionLog, type DecisionRecord } from './decision-log';

const record = (jobId: string): Omit<DecisionRecord, 'at'> => ({
  jobId,
  policy: 'p',
  model: 'm',
  deviceId: 'cpu:0',
  batchSize: 1,
  decisionUs: 1,
  outcome: 'pending',
});

describe(DecisionLog.name, () => {
  it('keeps the newest records first and forgets the oldest beyond its size', () => {
    const sut = new DecisionLog(3);
    ['a', 'b', 'c', 'd', 'e'].forEach((id) => sut.add(record(id)));
    expect(sut.recent().map((r) => r.jobId)).toEqual(['e', 'd', 'c']);
  });

  it('prints the time each record was added at', () => {
    const sut = new DecisionLog(3);
    sut.add(record('a'), Date.UTC(2026, 10, 29, 12, 0, 0, 5));
    sut.add(record('b'), 0);
    expect(sut.recent().map((r) => r.at)).toEqual(['1970-01-01T00:00:00.000Z', '2026-11-29T12:00:00.005Z']);
  });

  it('shows updates made to a record after it was added', () => {
    const sut = new DecisionLog(3);
    const r = sut.add(record('a'));
    r.outcome = 'ok';
    r.actualMs = 4;
    expect(sut.recent()[0]).toMatchObject({ jobId: 'a', outcome: 'ok', actualMs: 4 });
  });
});
