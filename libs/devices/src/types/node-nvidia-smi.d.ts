declare module 'node-nvidia-smi' {
  /** Runs `nvidia-smi -q -x` and hands back the XML parsed by xml2js (explicitArray: false). */
  function nvidiaSmi(callback: (err: unknown, data?: unknown) => void): void;
  export = nvidiaSmi;
}
