import { credentials, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadInferenceService } from '../proto/inference-proto';

export interface GrpcCallOptions {
  /** Milliseconds from now (the call's gRPC deadline). */
  deadlineMs?: number;
  metadata?: Record<string, string>;
}

type UnaryMethod = (
  request: object,
  metadata: Metadata,
  options: { deadline?: number },
  callback: (err: ServiceError | null, response: unknown) => void,
) => void;

/**
 * A client of inference.GRPCInferenceService generated at run time from the committed .proto
 * (the tests and the bench speak the protocol through it, as any generated client would).
 */
export class GrpcInferenceClient {
  private readonly client: Client;

  /** `tls`: PEM buffers for a TLS channel (the CA that signed the server, and a client certificate for mutual TLS). */
  constructor(address: string, tls?: { ca: Buffer; cert?: Buffer; key?: Buffer }) {
    const Service = loadInferenceService();
    const channel = tls ? credentials.createSsl(tls.ca, tls.key ?? null, tls.cert ?? null) : credentials.createInsecure();
    this.client = new Service(address, channel, { 'grpc.max_receive_message_length': -1 });
  }

  /** One unary call; rejects with the ServiceError (code, details, metadata) on a failed call. */
  call<Res = Record<string, unknown>>(method: string, request: object = {}, options: GrpcCallOptions = {}): Promise<Res> {
    const fn = (this.client as unknown as Record<string, UnaryMethod>)[method];
    if (typeof fn !== 'function') throw new Error(`no RPC ${method} in inference.GRPCInferenceService`);
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(options.metadata ?? {})) metadata.set(key, value);
    const callOptions = options.deadlineMs !== undefined ? { deadline: Date.now() + options.deadlineMs } : {};
    return new Promise((resolve, reject) =>
      fn.call(this.client, request, metadata, callOptions, (err, response) => (err ? reject(err) : resolve(response as Res))),
    );
  }

  close(): void {
    this.client.close();
  }
}
