import type { KubeObject } from './kustomize-render';

/** What the service relies on in the custom resources, beyond their schemas (the spec checks both). */
const CUSTOM: Record<string, (spec: any) => string[]> = {
  'monitoring.coreos.com/v1/ServiceMonitor': (spec) => [
    ...need(spec.selector?.matchLabels, 'spec.selector.matchLabels'),
    ...(Array.isArray(spec.endpoints) && spec.endpoints.length > 0
      ? spec.endpoints.flatMap((e: any, i: number) => need(e.port, `spec.endpoints[${i}].port`))
      : ['spec.endpoints is empty']),
  ],
  'monitoring.coreos.com/v1/PrometheusRule': (spec) =>
    Array.isArray(spec.groups) && spec.groups.length > 0
      ? spec.groups.flatMap((g: any, i: number) => [
          ...need(g.name, `spec.groups[${i}].name`),
          ...(g.rules ?? []).flatMap((r: any, j: number) => [
            ...need(r.alert ?? r.record, `spec.groups[${i}].rules[${j}].alert`),
            ...need(r.expr, `spec.groups[${i}].rules[${j}].expr`),
          ]),
        ])
      : ['spec.groups is empty'],
  'keda.sh/v1alpha1/ScaledObject': (spec) => [
    ...need(spec.scaleTargetRef?.name, 'spec.scaleTargetRef.name'),
    ...(spec.minReplicaCount <= spec.maxReplicaCount ? [] : ['minReplicaCount > maxReplicaCount']),
    ...(Array.isArray(spec.triggers) && spec.triggers.length > 0
      ? spec.triggers.flatMap((t: any, i: number) => [
          ...need(t.type, `spec.triggers[${i}].type`),
          ...(t.type === 'prometheus'
            ? [
                ...need(t.metadata?.serverAddress, `triggers[${i}].metadata.serverAddress`),
                ...need(t.metadata?.query, `triggers[${i}].metadata.query`),
                ...(Number(t.metadata?.threshold) > 0 ? [] : [`triggers[${i}].metadata.threshold is not a positive number (a string)`]),
              ]
            : []),
          ...(t.metricType === undefined || ['AverageValue', 'Value', 'Utilization'].includes(t.metricType)
            ? []
            : [`triggers[${i}].metricType ${t.metricType}`]),
        ])
      : ['spec.triggers is empty']),
  ],
};

/** Problems of a custom resource; an unknown kind is one. */
export function checkCustomResource(o: KubeObject): string[] {
  const check = CUSTOM[`${o.apiVersion}/${o.kind}`];
  if (!check) return [`no schema or check for ${o.apiVersion} ${o.kind}`];
  return [...need(o.metadata?.name, 'metadata.name'), ...check(o.spec ?? {})];
}

function need(value: unknown, what: string): string[] {
  return value === undefined || value === null || value === '' ? [`${what} is missing`] : [];
}

/** A Kubernetes CPU quantity in cores ("500m", "2", 1). */
export function cpuCores(q: string | number): number {
  const s = String(q);
  return s.endsWith('m') ? Number(s.slice(0, -1)) / 1000 : Number(s);
}

const UNITS: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A Kubernetes memory quantity in bytes ("1Gi", "512Mi", "1G"). */
export function memoryBytes(q: string | number): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT]i?|k)?$/.exec(String(q));
  if (!m) throw new Error(`not a memory quantity: ${q}`);
  return Number(m[1]) * (m[2] ? UNITS[m[2]] : 1);
}
