import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessControl } from './auth/access-control.service';
import { AuthGuard } from './auth/auth.guard';
import { TenantDirectory } from './auth/tenant-directory.service';
import { TenantLimiter } from './limits/tenant-limiter.service';

/**
 * Who may call what: tenants, keys, scopes and limits, behind AccessControl (any transport) and
 * one global HTTP guard. The app must also call configureSecurityHttp() (rate-limit store).
 */
@Global()
@Module({
  providers: [TenantDirectory, TenantLimiter, AccessControl, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TenantDirectory, TenantLimiter, AccessControl],
})
export class SecurityModule {}
