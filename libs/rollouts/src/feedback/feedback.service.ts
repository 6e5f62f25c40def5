import { Injectable } from '@nestjs/common';
import { InvalidRequestError, NotFoundError, SwitchyardEvents, type WireTensor } from '@switchyard/common';
import { RolloutService } from '../rollout.service';
import { answerLabels } from './answer-labels';
import { parseFeedbackBody } from './feedback-body.schema';
import { AnswerLog } from './answer-log';

/** Answers kept for feedback (about 100 bytes each). */
const ANSWERS_KEPT = 100_000;

/**
 * POST /v1/feedback: a caller who later learns the truth says whether an answer was right
 * (`correct`), or gives the true `label` to compare with the answer's (answerLabels(), row 0).
 * Feeds the accuracy of the version that answered (rollouts gate promotion on it).
 */
@Injectable()
export class FeedbackService {
  private readonly answers = new AnswerLog(ANSWERS_KEPT);

  constructor(
    private readonly rollouts: RolloutService,
    private readonly events: SwitchyardEvents,
  ) {}

  /** Called for each answered request that carried an id, before its output buffers are reused. */
  remember(requestId: string, model: string, version: string, outputs: readonly WireTensor[]): string[] {
    const labels = answerLabels(outputs);
    this.answers.record(requestId, { model, version, labels });
    return labels;
  }

  record(body: Record<string, unknown>): { request_id: string; model: string; version: string; correct: boolean } {
    const feedback = parseFeedbackBody(body);
    const id = feedback.request_id;
    const answer = this.answers.get(id);
    if (!answer)
      throw new NotFoundError(
        `no answered request "${id}" is remembered (send an "id" with the request; the last ${ANSWERS_KEPT} are kept)`,
      );
    if (answer.judged) throw new InvalidRequestError(`feedback for request "${id}" was already given`);
    const correct = 'correct' in feedback ? feedback.correct : answer.labels[0] === String(feedback.label);
    answer.judged = true;
    this.rollouts.recordFeedback(answer.model, answer.version, correct);
    this.events.emit('feedback.recorded', { model: answer.model, version: answer.version, correct });
    return { request_id: id, model: answer.model, version: answer.version, correct };
  }
}
