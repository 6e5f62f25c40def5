import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SqliteJobsDatabase } from './sqlite-database.adapter';

const SWEEP_MS = 30_000;

/** Sweeps expired rows of the embedded store in small batches, and closes its file at shutdown. */
@Injectable()
export class SqliteStoreLifecycleService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SqliteStoreLifecycleService.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly database: SqliteJobsDatabase) {}

  onApplicationBootstrap(): void {
    this.logger.log(`jobs store: ${this.database.path} (SQLite, WAL)`);
    this.timer = setInterval(() => this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.database.close();
  }

  private sweep(): void {
    try {
      this.database.sweep();
    } catch (err) {
      this.logger.warn(`sweeping expired jobs failed: ${(err as Error).message}`);
    }
  }
}
