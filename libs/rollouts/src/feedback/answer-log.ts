/** What the server answered to one request, kept for the caller's later feedback. */
export interface AnsweredRequest {
  model: string;
  version: string;
  /** answerLabels() of the response. */
  labels: string[];
  judged: boolean;
}

/** The last `capacity` answered requests that carried an id, oldest forgotten first. */
export class AnswerLog {
  private readonly entries = new Map<string, AnsweredRequest>();

  constructor(private readonly capacity: number) {}

  record(requestId: string, answer: Omit<AnsweredRequest, 'judged'>): void {
    this.entries.delete(requestId);
    // a literal, not a spread plus a field: one per answered request, and the spread's extra field takes V8's slow path
    this.entries.set(requestId, { model: answer.model, version: answer.version, labels: answer.labels, judged: false });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  get(requestId: string): AnsweredRequest | undefined {
    return this.entries.get(requestId);
  }
}
