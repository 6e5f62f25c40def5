import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditLog } from './audit/audit-log.service';
import { AuthGuard } from './auth/auth.guard';
import { TenantDirectory } from './auth/tenant-directory.service';
import { TenantLimiter } from './limits/tenant-limiter.service';
import { OutputSigner } from './signing/output-signer.service';
import { SigningKeyController } from './signing/signing-key.controller';

/**
 * Who may call what (tenants, keys, scopes, limits: one global guard), signed outputs and the
 * audit log. The app must also call configureSecurityHttp() (rate-limit store, audit hooks).
 */
@Global()
@Module({
  controllers: [SigningKeyController],
  providers: [TenantDirectory, TenantLimiter, AuditLog, OutputSigner, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TenantDirectory, TenantLimiter, AuditLog, OutputSigner],
})
export class SecurityModule {}
