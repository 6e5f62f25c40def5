import type { Metadata } from '@grpc/grpc-js';
import { Injectable } from '@nestjs/common';
import type { ApiScope, Caller } from '@switchyard/common';
import { AccessControl } from '@switchyard/security';

/** What a call needs, in the scopes of the HTTP API's security layer (docs/security.md). */
export type GrpcCallScope = Extract<ApiScope, 'health' | 'metadata' | 'inference' | 'model-repository' | 'statistics'>;

/** One gRPC call as the guard sees it, before any work is done for it. */
export interface GrpcCall {
  /** The RPC, e.g. "ModelInfer". */
  method: string;
  /** 'public': open to probes without a key, like GET /v2/health/live and /ready. */
  scope: GrpcCallScope | 'public';
  /** The model the call is about, when it names one. */
  model?: string;
  /** The call's metadata ("authorization: Bearer <key>" or "x-api-key"). */
  metadata: Metadata;
}

/** A call let through: who made it (absent when the API is open) and the release of its in-flight slot. */
export interface GrpcAdmission {
  caller?: Caller;
  release(): void;
}

/**
 * The single check every gRPC call passes before it runs, on the same AccessControl as the HTTP
 * guard: the key (401 -> UNAUTHENTICATED), the scope and the tenant's model list (403 ->
 * PERMISSION_DENIED), the tenant's rate and in-flight limits (429 -> RESOURCE_EXHAUSTED), all
 * through the one status map. Without an auth file every call is let through.
 */
@Injectable()
export class GrpcCallGuard {
  constructor(private readonly access: AccessControl) {}

  async check(call: GrpcCall): Promise<GrpcAdmission> {
    if (call.scope === 'public') return { release: () => undefined };
    const tenant = this.access.authenticate(headersOf(call.metadata));
    this.access.authorize(tenant, call.scope, call.model !== undefined ? { model: call.model } : {});
    const release = await this.access.admit(tenant);
    return { ...(tenant ? { caller: tenant } : {}), release };
  }
}

/** The metadata as the header record AccessControl reads (lower-case names, string values only). */
function headersOf(metadata: Metadata): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const name of ['authorization', 'x-api-key']) {
    const value = metadata.get(name)[0];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}
