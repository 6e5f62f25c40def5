import { z } from 'zod';
import { InvalidRequestError } from '@switchyard/common';

/**
 * POST /v1/feedback's body: the id of an answered request and exactly one of `correct` (the
 * answer was right) or `label` (the true label, compared with the answer's). The OpenAPI document
 * shows it through z.toJSONSchema.
 */
export const feedbackBodySchema = z.union([
  z.object({ request_id: z.string().min(1), correct: z.boolean() }).strict(),
  z.object({ request_id: z.string().min(1), label: z.union([z.string(), z.number()]) }).strict(),
]);

export type FeedbackBody = z.infer<typeof feedbackBodySchema>;

/** The body checked, or a 400 that says what is wrong with it. */
export function parseFeedbackBody(body: Record<string, unknown>): FeedbackBody {
  const parsed = feedbackBodySchema.safeParse(body);
  if (parsed.success) return parsed.data;
  if (typeof body.request_id !== 'string' || body.request_id.length === 0)
    throw new InvalidRequestError('"request_id" must be the id of an answered request (a non-empty string)');
  const hasCorrect = body.correct !== undefined;
  if (hasCorrect === (body.label !== undefined)) throw new InvalidRequestError('give exactly one of "correct" (true or false) and "label"');
  if (hasCorrect && typeof body.correct !== 'boolean') throw new InvalidRequestError('"correct" must be true or false');
  if (!hasCorrect && typeof body.label !== 'string' && typeof body.label !== 'number')
    throw new InvalidRequestError('"label" must be a string or a number');
  const unknown = Object.keys(body).filter((k) => !['request_id', 'correct', 'label'].includes(k));
  throw new InvalidRequestError(`unknown feedback field(s): ${unknown.join(', ')}`);
}
