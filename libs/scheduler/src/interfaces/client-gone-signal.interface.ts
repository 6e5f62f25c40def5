/**
 * What a job's "client gone" signal must offer the dispatcher (InferenceJob.signal): whether the
 * client has gone, and one call when it goes. An AbortSignal has this shape; the HTTP entry point
 * passes a lighter one that reads its response (creating an AbortSignal per request cost ~10 us).
 *
 * @remarks Like an AbortSignal, a listener added after the client went is never called: check
 * `aborted` first.
 */
export interface ClientGoneSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
}
