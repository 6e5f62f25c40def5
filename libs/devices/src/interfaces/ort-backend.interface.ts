/** A backend as onnxruntime-node's listSupportedBackends() reports it, plus its library check. */
export interface OrtBackend {
  name: string;
  /** Shipped inside the npm package (true), or downloaded by its install script (false). */
  bundled: boolean;
  /** Provider libraries next to the binding that this backend needs and that are absent. */
  missingLibraries: string[];
}
