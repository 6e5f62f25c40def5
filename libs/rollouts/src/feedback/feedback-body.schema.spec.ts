import { parseFeedbackBody } from './feedback-body.schema';

describe(parseFeedbackBody.name, () => {
  it.each([
    [
      { request_id: 'r1', correct: true },
      { request_id: 'r1', correct: true },
    ],
    [
      { request_id: 'r1', label: 3 },
      { request_id: 'r1', label: 3 },
    ],
    [
      { request_id: 'r1', label: 'cat' },
      { request_id: 'r1', label: 'cat' },
    ],
  ])('accepts %j', (body, parsed) => {
    expect(parseFeedbackBody(body)).toEqual(parsed);
  });

  it.each([
    [{ correct: true }, /"request_id" must be/],
    [{ request_id: '', correct: true }, /"request_id" must be/],
    [{ request_id: 'r1' }, /exactly one of "correct"/],
    [{ request_id: 'r1', correct: true, label: 3 }, /exactly one of "correct"/],
    [{ request_id: 'r1', correct: 'yes' }, /"correct" must be true or false/],
    [{ request_id: 'r1', label: [3] }, /"label" must be a string or a number/],
    [{ request_id: 'r1', correct: false, model: 'm' }, /unknown feedback field\(s\): model/],
  ])('refuses %j with a 400 that says why', (body, message) => {
    expect(() => parseFeedbackBody(body)).toThrow(message);
    try {
      parseFeedbackBody(body);
    } catch (err) {
      expect((err as { status: number }).status).toBe(400);
    }
  });
});
