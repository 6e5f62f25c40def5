/** The platform and architecture this onnxruntime-node build runs on. */
export interface HostPlatform {
  platform: NodeJS.Platform;
  arch: string;
}
