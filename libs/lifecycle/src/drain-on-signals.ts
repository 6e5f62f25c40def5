import type { INestApplication } from '@nestjs/common';
import { DrainService } from './drain.service';

/**
 * Drains the app on the first of `signals`, closes it and exits the process with 0 (1 when the
 * drain itself failed). A second signal hurries the drain.
 *
 * @remarks For the server process only (main.ts): an app booted inside tests leaves the
 * process's signals alone.
 */
export function drainOnSignals(app: INestApplication, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
  const drain = app.get(DrainService);
  let started = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (started) return drain.hurry();
    started = true;
    drain
      .shutdown(signal, () => app.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
  };
  for (const signal of signals) process.on(signal, onSignal);
}
