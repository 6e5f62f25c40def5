import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditLog } from './audit/audit-log.service';
import { AccessControl } from './auth/access-control.service';
import { AuthGuard } from './auth/auth.guard';
import { TenantDirectory } from './auth/tenant-directory.service';
import { TenantLimiter } from './limits/tenant-limiter.service';
import { OutputSigner } from './signing/output-signer.service';
import { SigningKeyController } from './signing/signing-key.controller';

/**
 * Who may call what (tenants, keys, scopes, limits: AccessControl for any transport, one global
 * HTTP guard), signed outputs and the audit log. The app must also call configureSecurityHttp() (rate-limit store, audit hooks).
 */
@Global()
@Module({
  controllers: [SigningKeyController],
  // AuthGuard is exported too: the routes registered on Fastify directly pass the same gate (InferRoutes)
  providers: [
    TenantDirectory,
    TenantLimiter,
    AccessControl,
    AuditLog,
    OutputSigner,
    AuthGuard,
    { provide: APP_GUARD, useExisting: AuthGuard },
  ],
  exports: [TenantDirectory, TenantLimiter, AccessControl, AuditLog, OutputSigner, AuthGuard],
})
export class SecurityModule {}
