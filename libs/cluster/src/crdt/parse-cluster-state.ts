import { InvalidRequestError } from '@switchyard/common';
import type { CalibrationProfile } from '@switchyard/scheduler';
import type { ClusterState, LearnedCurve, LearnedPoint, NodeLearning } from '../interfaces/node-learning.interface';

const NODE_ID = /^[\w.:-]{1,128}$/;
const FORBIDDEN_IDS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_NODES = 1024;
const MAX_CURVES = 4096;
const MAX_POINTS = 64;

/**
 * A cluster state received from a peer, checked field by field (it comes from the network):
 * anything malformed raises InvalidRequestError (400) naming what is wrong.
 */
export function parseClusterState(value: unknown): ClusterState {
  const nodes = record(value, 'state').nodes;
  const entries = Object.entries(record(nodes, 'state.nodes'));
  if (entries.length > MAX_NODES) fail(`state.nodes has more than ${MAX_NODES} nodes`);
  const out: Record<string, NodeLearning> = {};
  for (const [id, entry] of entries) {
    if (!NODE_ID.test(id) || FORBIDDEN_IDS.has(id)) fail(`node id "${id.slice(0, 140)}" is not allowed`);
    const node = parseNode(entry, `state.nodes.${id}`);
    if (node.nodeId !== id) fail(`state.nodes.${id}.nodeId is "${node.nodeId}", not its key`);
    out[id] = node;
  }
  return { nodes: out };
}

function parseNode(value: unknown, at: string): NodeLearning {
  const v = record(value, at);
  const curves = v.curves;
  if (!Array.isArray(curves) || curves.length > MAX_CURVES) fail(`${at}.curves must be an array of at most ${MAX_CURVES} curves`);
  const node: NodeLearning = {
    nodeId: str(v.nodeId, `${at}.nodeId`),
    version: num(v.version, `${at}.version`, 0),
    updatedAt: str(v.updatedAt, `${at}.updatedAt`),
    hardware: str(v.hardware, `${at}.hardware`),
    curves: curves.map((c, i) => parseCurve(c, `${at}.curves[${i}]`)),
  };
  if (v.calibratedBy !== undefined) node.calibratedBy = str(v.calibratedBy, `${at}.calibratedBy`);
  if (v.calibration !== undefined) node.calibration = parseProfile(v.calibration, `${at}.calibration`);
  return node;
}

function parseCurve(value: unknown, at: string): LearnedCurve {
  const v = record(value, at);
  return {
    model: str(v.model, `${at}.model`),
    modelSha256: str(v.modelSha256, `${at}.modelSha256`),
    deviceId: str(v.deviceId, `${at}.deviceId`),
    deviceKind: str(v.deviceKind, `${at}.deviceKind`),
    points: points(v.points, `${at}.points`),
  };
}

/** The profile's shape as far as this node reads it (version, fingerprint, estimator curves); the rest is carried as is. */
function parseProfile(value: unknown, at: string): CalibrationProfile {
  const v = record(value, at);
  if (v.version !== 1) fail(`${at}.version must be 1`);
  str(v.fingerprint, `${at}.fingerprint`);
  str(v.createdAt, `${at}.createdAt`);
  if (!Array.isArray(v.pairs)) fail(`${at}.pairs must be an array`);
  record(v.host, `${at}.host`);
  const estimator = record(v.estimator, `${at}.estimator`);
  if (estimator.version !== 1 || !Array.isArray(estimator.curves) || estimator.curves.length > MAX_CURVES) {
    fail(`${at}.estimator must be {"version": 1, "curves": [...]}`);
  }
  estimator.curves.forEach((c, i) => {
    const curve = record(c, `${at}.estimator.curves[${i}]`);
    str(curve.modelKey, `${at}.estimator.curves[${i}].modelKey`);
    str(curve.deviceId, `${at}.estimator.curves[${i}].deviceId`);
    points(curve.points, `${at}.estimator.curves[${i}].points`);
  });
  return v as unknown as CalibrationProfile;
}

function points(value: unknown, at: string): LearnedPoint[] {
  if (!Array.isArray(value) || value.length > MAX_POINTS) fail(`${at} must be an array of at most ${MAX_POINTS} points`);
  return value.map((p, i) => {
    const v = record(p, `${at}[${i}]`);
    return {
      batchSize: num(v.batchSize, `${at}[${i}].batchSize`, 1),
      ms: num(v.ms, `${at}[${i}].ms`, 0),
      samples: num(v.samples, `${at}[${i}].samples`, Number.MIN_VALUE),
    };
  });
}

function record(value: unknown, at: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`${at} must be an object`);
  return value as Record<string, unknown>;
}

function str(value: unknown, at: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 1024) fail(`${at} must be a non-empty string`);
  return value;
}

function num(value: unknown, at: string, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) fail(`${at} must be a finite number >= ${min}`);
  return value;
}

function fail(message: string): never {
  throw new InvalidRequestError(`invalid cluster state: ${message}`);
}
