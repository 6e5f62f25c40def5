import { DecisionLog, type DecisionRecord } from './decision-log';

const record = (jobId: string): DecisionRecord => ({
  at: new Date(0).toISOString(),
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

  it('shows updates made to a record after it was added', () => {
    const sut = new DecisionLog(3);
    const r = sut.add(record('a'));
    r.outcome = 'ok';
    r.actualMs = 4;
    expect(sut.recent()[0]).toMatchObject({ jobId: 'a', outcome: 'ok', actualMs: 4 });
  });
});
