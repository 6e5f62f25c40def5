export * from './lifecycle.module';
export * from './drain.service';
export * from './drain-report.interface';
export * from './drain-on-signals';
