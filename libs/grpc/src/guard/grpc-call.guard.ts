import type { Metadata } from '@grpc/grpc-js';

/** What a call needs, in the scopes the HTTP API's security layer uses. */
export type GrpcCallScope = 'health' | 'metadata' | 'infer' | 'repository' | 'statistics';

/** One gRPC call as the guard sees it, before any work is done for it. */
export interface GrpcCall {
  /** The RPC, e.g. "ModelInfer". */
  method: string;
  scope: GrpcCallScope;
  /** The model the call is about, when it names one. */
  model?: string;
  /** The call's metadata (e.g. "authorization" or "x-api-key"). */
  metadata: Metadata;
}

/**
 * The single hook every gRPC call passes before it runs: resolve to let it through, throw a
 * SwitchyardError to refuse it (401 -> UNAUTHENTICATED, 403 -> PERMISSION_DENIED, 429 ->
 * RESOURCE_EXHAUSTED, through the one status map). Bound under GRPC_CALL_GUARD.
 */
export interface GrpcCallGuard {
  check(call: GrpcCall): void | Promise<void>;
}

export const GRPC_CALL_GUARD = Symbol('GRPC_CALL_GUARD');

/** The default: every call is let through (the endpoint is as open as the HTTP API without keys). */
export class OpenGrpcCallGuard implements GrpcCallGuard {
  check(): void {}
}
