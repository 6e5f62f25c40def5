import { InvalidRequestError } from '@switchyard/common';
import { readJobSubmission } from './read-job-submission';

const limits = { maxBatch: 3, defaultPriority: 5 };
const inputs = [{ name: 'input', datatype: 'FP32', shape: [1, 2], data: [1, 2] }];

describe(readJobSubmission.name, () => {
  it('reads one request: the KServe body without the jobs fields, with the default priority', () => {
    const sut = readJobSubmission({ model_name: 'mlp_tiny', model_version: '1', inputs, id: 'r1', deadline_ms: 500 }, limits);
    expect(sut).toEqual({
      requests: [{ model: 'mlp_tiny', version: '1', request: { inputs, id: 'r1' }, priority: 5, deadlineMs: 500 }],
    });
  });

  it('reads a batch whose items inherit the batch priority and deadline unless they set their own', () => {
    const sut = readJobSubmission(
      {
        priority: 2,
        deadline_ms: 1000,
        idempotency_key: 'k-1',
        requests: [
          { model_name: 'a', inputs },
          { model_name: 'b', inputs, priority: 1, deadline_ms: 50 },
        ],
      },
      limits,
    );
    expect(sut.idempotencyKey).toBe('k-1');
    expect(sut.requests.map((r) => [r.model, r.priority, r.deadlineMs])).toEqual([
      ['a', 2, 1000],
      ['b', 1, 50],
    ]);
  });

  it("takes the request's own parameters.priority for the queue when no jobs priority is given", () => {
    const sut = readJobSubmission({ model_name: 'a', inputs, parameters: { priority: 3 } }, limits);
    expect(sut.requests[0].priority).toBe(3);
    expect(sut.requests[0].request.parameters).toEqual({ priority: 3 });
  });

  it('takes the idempotency key from the header, which must agree with the field', () => {
    expect(readJobSubmission({ model_name: 'a', inputs }, limits, 'from-header').idempotencyKey).toBe('from-header');
    expect(() => readJobSubmission({ model_name: 'a', inputs, idempotency_key: 'x' }, limits, 'y')).toThrow('differ');
  });

  it.each([
    [[1, 2], 'must be a JSON object'],
    [{ inputs }, '"model_name" must name a model'],
    [{ model_name: '../etc', inputs }, '"model_name" must name a model'],
    [{ model_name: 'a', model_version: 1, inputs }, '"model_version" must be a version number'],
    [{ model_name: 'a', inputs, priority: 0 }, 'priority must be an integer from 1'],
    [{ model_name: 'a', inputs, priority: 1.5 }, 'priority must be an integer from 1'],
    [{ model_name: 'a', inputs, deadline_ms: -3 }, 'deadline_ms must be a whole number'],
    [{ model_name: 'a', inputs, idempotency_key: '' }, '"idempotency_key" must be a string'],
    [{ requests: [] }, '"requests" must be a non-empty array'],
    [{ requests: [{ model_name: 'a' }, {}, {}, {}] }, 'the limit is 3'],
    [{ model_name: 'a', requests: [{ model_name: 'a' }] }, 'inside each of "requests"'],
    [
      { requests: [{ model_name: 'a' }, { model_name: 'b', idempotency_key: 'k' }] },
      'requests[1]: "idempotency_key" belongs to the whole batch',
    ],
    [{ requests: [{ model_name: 'a' }, 'text'] }, 'requests[1] must be a JSON object'],
  ])('refuses %j with a 400 saying %s', (body, message) => {
    expect(() => readJobSubmission(body, limits)).toThrow(InvalidRequestError);
    expect(() => readJobSubmission(body, limits)).toThrow(message);
  });
});
