import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderKustomization, strategicMerge } from './kustomize-render';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'sy-kustomize-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: shop/web:1.0
          env: [{name: A, value: "1"}, {name: B, value: "2"}]
          args: [x, y]
        - name: sidecar
          image: proxy:2
`;

describe(renderKustomization.name, () => {
  it('applies resources, namespace, labels, images and strategic-merge patches as kustomize does', () => {
    const root = tree({
      'base/kustomization.yaml':
        'resources: [deployment.yaml, ns.yaml]\nnamespace: shop\nlabels:\n  - pairs: {team: a}\n    includeTemplates: true\n',
      'base/deployment.yaml': DEPLOYMENT,
      'base/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n',
      'overlay/kustomization.yaml': 'resources: [../base]\npatches: [{path: patch.yaml}]\nimages: [{name: shop/web, newTag: "2.0"}]\n',
      'overlay/patch.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          env: [{name: B, value: "3"}, {name: C, value: "4"}]\n          args: [z]\n',
    });
    const [deployment, ns] = renderKustomization(join(root, 'overlay'));
    expect(ns.metadata).toEqual({ name: 'shop', labels: { team: 'a' } });
    expect(deployment.metadata).toEqual({ name: 'web', namespace: 'shop', labels: { app: 'web', team: 'a' } });
    expect(deployment.spec.selector.matchLabels).toEqual({ app: 'web' }); // includeSelectors: false
    expect(deployment.spec.template.metadata.labels).toEqual({ app: 'web', team: 'a' });
    const [web, sidecar] = deployment.spec.template.spec.containers;
    expect(web).toEqual({
      name: 'web',
      image: 'shop/web:2.0',
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '3' },
        { name: 'C', value: '4' },
      ],
      args: ['z'],
    });
    expect(sidecar).toEqual({ name: 'sidecar', image: 'proxy:2' });
  });

  it('deletes an object with $patch: delete, and refuses what it does not implement', () => {
    const root = tree({
      'a/kustomization.yaml': 'resources: [d.yaml]\npatches: [{path: del.yaml}]\n',
      'a/d.yaml': DEPLOYMENT,
      'a/del.yaml': '$patch: delete\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n',
      'b/kustomization.yaml': 'resources: [../a/d.yaml]\nnamePrefix: x-\n',
      'c/kustomization.yaml': 'resources: [d.yaml]\npatches: [{path: ../a/del.yaml}]\n',
      'c/d.yaml': DEPLOYMENT,
      'e/kustomization.yaml': 'resources: [d.yaml]\npatches: [{path: p.yaml}]\n',
      'e/d.yaml': DEPLOYMENT,
      'e/p.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: other}\n',
    });
    expect(renderKustomization(join(root, 'a'))).toEqual([]);
    expect(() => renderKustomization(join(root, 'b'))).toThrow('namePrefix');
    expect(() => renderKustomization(join(root, 'c'))).toThrow('outside the kustomization');
    expect(() => renderKustomization(join(root, 'e'))).toThrow('matches 0 objects');
  });

  it('merges maps deeply, replaces plain lists and removes fields patched to null', () => {
    expect(strategicMerge({ a: { b: 1, c: 2 }, l: [1, 2], gone: 1 }, { a: { c: 3 }, l: [3], gone: null })).toEqual({
      a: { b: 1, c: 3 },
      l: [3],
    });
  });
});
