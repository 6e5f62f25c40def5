import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A Kubernetes object as parsed YAML. */
export type KubeObject = Record<string, any> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

interface Kustomization {
  resources?: string[];
  namespace?: string;
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  patches?: { path: string }[];
  [field: string]: unknown;
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'images', 'patches']);
/** Kinds without a namespace (of those the manifests use). */
const CLUSTER_SCOPED = new Set(['Namespace']);
/** List fields merged element by element on this key, as Kubernetes' strategic merge does. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
};

/**
 * Renders a kustomization the way `kustomize build` does, for the subset the manifests under
 * deploy/kubernetes use (no kustomize binary or cluster here): resources (files and directories
 * holding a kustomization, recursively), namespace, labels (metadata, and pod templates with
 * includeTemplates), images (newName/newTag) and patches (strategic merge: maps merged, the
 * lists of containers, env, volumes, mounts and ports merged by their key, other lists replaced,
 * `$patch: delete` removes the object). Any other field is refused, so that a manifest cannot use
 * what this renderer would silently ignore. Patch files must lie inside the kustomization's
 * folder (kustomize's default load restriction).
 */
export function renderKustomization(dir: string): KubeObject[] {
  const file = join(dir, 'kustomization.yaml');
  const k = readYaml(file)[0] as Kustomization;
  const unsupported = Object.keys(k).filter((f) => !SUPPORTED.has(f));
  if (unsupported.length > 0) throw new Error(`${file}: fields this renderer does not implement: ${unsupported.join(', ')}`);
  let objects: KubeObject[] = [];
  for (const entry of k.resources ?? []) {
    const path = resolve(dir, entry);
    objects.push(...(statSync(path).isDirectory() ? renderKustomization(path) : (readYaml(path) as KubeObject[])));
  }
  for (const p of k.patches ?? []) {
    const path = resolve(dir, p.path);
    if (!path.startsWith(resolve(dir) + '/'))
      throw new Error(`${file}: patch ${p.path} lies outside the kustomization (kustomize refuses it)`);
    for (const patch of readYaml(path) as KubeObject[]) objects = applyPatch(objects, patch, path);
  }
  if (k.namespace) for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  for (const { pairs, includeSelectors, includeTemplates } of k.labels ?? []) {
    if (includeSelectors) throw new Error(`${file}: labels with includeSelectors are not implemented`);
    for (const o of objects) {
      o.metadata.labels = { ...o.metadata.labels, ...pairs };
      const template = o.spec?.template;
      if (includeTemplates && template) template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, ...pairs } };
    }
  }
  for (const image of k.images ?? []) for (const o of objects) for (const c of containersOf(o)) c.image = retag(c.image, image);
  assertUnique(objects, file);
  return objects;
}

/** Containers of a workload's pod template. */
export function containersOf(o: KubeObject): Record<string, any>[] {
  const pod = o.spec?.template?.spec;
  return pod ? [...(pod.initContainers ?? []), ...(pod.containers ?? [])] : [];
}

function applyPatch(objects: KubeObject[], patch: KubeObject, path: string): KubeObject[] {
  const same = (o: KubeObject) =>
    o.kind === patch.kind &&
    o.metadata.name === patch.metadata.name &&
    (patch.metadata.namespace === undefined || o.metadata.namespace === patch.metadata.namespace);
  const matches = objects.filter(same);
  if (matches.length !== 1) throw new Error(`${path}: the patch of ${patch.kind}/${patch.metadata.name} matches ${matches.length} objects`);
  if (patch.$patch === 'delete') return objects.filter((o) => !same(o));
  const { $patch: _, ...body } = patch;
  return objects.map((o) => (same(o) ? (strategicMerge(o, body) as KubeObject) : o));
}

/** Strategic merge of `patch` into `target` (a new value; neither is changed). */
export function strategicMerge(target: unknown, patch: unknown, field = ''): unknown {
  if (Array.isArray(patch)) {
    const key = MERGE_KEYS[field];
    if (!key || !Array.isArray(target)) return structuredClone(patch);
    const merged = target.map((t) => structuredClone(t));
    for (const item of patch) {
      const at = merged.findIndex((t) => t?.[key] === item?.[key]);
      if (at >= 0) merged[at] = strategicMerge(merged[at], item);
      else merged.push(structuredClone(item));
    }
    return merged;
  }
  if (!isMap(patch) || !isMap(target)) return structuredClone(patch);
  const out: Record<string, unknown> = structuredClone(target);
  for (const [k, v] of Object.entries(patch)) out[k] = v === null ? undefined : strategicMerge(out[k], v, k);
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out;
}

function retag(image: string, rule: { name: string; newName?: string; newTag?: string }): string {
  const at = image.lastIndexOf(':');
  const [name, tag] = at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, undefined];
  if (name !== rule.name) return image;
  const newTag = rule.newTag ?? tag;
  return `${rule.newName ?? name}${newTag ? `:${newTag}` : ''}`;
}

function assertUnique(objects: KubeObject[], file: string): void {
  const seen = new Set<string>();
  for (const o of objects) {
    const id = `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (seen.has(id)) throw new Error(`${file}: ${id} appears twice`);
    seen.add(id);
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every document of a YAML file (comments and empty documents dropped). */
export function readYaml(path: string): unknown[] {
  if (!existsSync(path)) throw new Error(`${path} does not exist (from ${dirname(path)})`);
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${path}: ${d.errors[0].message}`);
      return d.toJS() as unknown;
    })
    .filter((d) => d !== null && d !== undefined);
}
