import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { readTlsFiles, SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { GrpcInferenceHandlers } from './handlers/grpc-inference.handlers';
import { inferenceServiceDefinition } from './proto/inference-proto';

/** How long the close waits for calls still open (the drain already finished the inference ones). */
const SHUTDOWN_MS = 5000;

/**
 * The gRPC endpoint (SWITCHYARD_GRPC_PORT on SWITCHYARD_HOST), over TLS (mutual with a client CA)
 * when SWITCHYARD_TLS_CERT/_KEY are set, like HTTP. The app starts it beside the HTTP
 * server (startServer); closing the app stops it: no new calls, open ones get SHUTDOWN_MS to
 * finish (tryShutdown), then the rest are cut. In a SIGTERM drain that comes after the drain has
 * refused new inference calls and waited for the admitted ones.
 */
@Injectable()
export class GrpcServerService implements OnModuleDestroy {
  private readonly logger = new Logger(GrpcServerService.name);
  private server?: Server;
  private bound?: number;

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly handlers: GrpcInferenceHandlers,
  ) {}

  /** The port it listens on; undefined before listen() or when gRPC is off. */
  get port(): number | undefined {
    return this.bound;
  }

  /** Binds the configured port (0: a free one) and serves; resolves to the port, undefined when SWITCHYARD_GRPC_PORT=off. */
  async listen(): Promise<number | undefined> {
    const { port } = this.config.grpc;
    if (port === undefined || this.server) return this.bound;
    const server = new Server({
      // the same bound as an HTTP body (grpc's own default is 4 MiB)
      'grpc.max_receive_message_length': this.config.http.bodyLimitBytes,
      'grpc.max_send_message_length': -1,
    });
    server.addService(inferenceServiceDefinition(), this.handlers.implementation());
    const host = this.config.http.host.includes(':') ? `[${this.config.http.host}]` : this.config.http.host;
    const address = `${host}:${port}`;
    this.bound = await new Promise<number>((resolve, reject) =>
      server.bindAsync(address, this.credentials(), (err, bound) =>
        err
          ? reject(new Error(`gRPC cannot listen on ${address} (${err.message}): set SWITCHYARD_GRPC_PORT to a free port, or to off`))
          : resolve(bound),
      ),
    );
    this.server = server;
    return this.bound;
  }

  /** TLS with the HTTP side's files (SWITCHYARD_TLS_*), client certificates required with a client CA; plaintext without. */
  private credentials(): ServerCredentials {
    const tls = this.config.http.tls;
    if (!tls) return ServerCredentials.createInsecure();
    const { cert, key, ca } = readTlsFiles(tls);
    return ServerCredentials.createSsl(ca ?? null, [{ cert_chain: cert, private_key: key }], ca !== undefined);
  }

  async onModuleDestroy(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const drained = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), SHUTDOWN_MS);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!drained) {
      this.logger.warn(`gRPC calls still open ${SHUTDOWN_MS} ms after the close began: cutting them`);
      server.forceShutdown();
    }
  }
}
