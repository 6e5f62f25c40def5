import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { readJsonObject, Scope } from '@switchyard/common';
import { FeedbackService } from '../feedback/feedback.service';

/** POST /v1/feedback {request_id, correct | label}: judges an earlier answer. */
@Controller('v1/feedback')
@Scope('inference')
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Post()
  @HttpCode(200)
  record(@Body() body: unknown): ReturnType<FeedbackService['record']> {
    return this.feedback.record(readJsonObject(body, 'feedback'));
  }
}
