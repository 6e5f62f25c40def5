import { Injectable } from '@nestjs/common';
import type { DecisionView } from '../interfaces/stats-snapshot.interface';

const KEEP = 50;

/** The scheduler's latest placements (from scheduler.decision events), for the status page. */
@Injectable()
export class RecentDecisions {
  private readonly ring: DecisionView[] = [];
  private next = 0;
  private total = 0;

  record(decision: DecisionView): void {
    this.ring[this.next] = decision;
    this.next = (this.next + 1) % KEEP;
    this.total++;
  }

  /** Newest first. */
  latest(limit = 20): DecisionView[] {
    const out: DecisionView[] = [];
    for (let i = 1; i <= Math.min(limit, this.ring.length); i++) out.push(this.ring[(this.next - i + KEEP) % KEEP]);
    return out;
  }

  get count(): number {
    return this.total;
  }
}
