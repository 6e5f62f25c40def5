import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { InvalidRequestError } from '@switchyard/common';
import { FeedbackService } from '../feedback/feedback.service';

/** POST /v1/feedback {request_id, correct | label}: judges an earlier answer. */
@Controller('v1/feedback')
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Post()
  @HttpCode(200)
  record(@Body() body: unknown): ReturnType<FeedbackService['record']> {
    let value = body;
    if (Buffer.isBuffer(body)) {
      try {
        value = JSON.parse(body.toString('utf8'));
      } catch {
        throw new InvalidRequestError('the feedback must be a JSON object');
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidRequestError('the feedback must be a JSON object');
    return this.feedback.record(value as Record<string, unknown>);
  }
}
