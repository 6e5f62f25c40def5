export * from './security.module';
export * from './http/configure-security-http';
export * from './auth/access-control.service';
export * from './auth/tenant';
export * from './auth/tenant-directory.service';
export * from './auth/glob';
export * from './limits/tenant-limiter.service';
export * from './audit/audit-facts';
