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
    this.entries.set(requestId, { ...answer, judged: false });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  get(requestId: string): AnsweredRequest | undefined {
    return this.entries.get(requestId);
  }
}
