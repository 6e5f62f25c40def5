import { Injectable } from '@nestjs/common';
import { parseClusterState } from '../crdt/parse-cluster-state';
import type { ClusterState } from '../interfaces/node-learning.interface';

/** The body of POST /v1/cluster/sync, both ways: the sender's whole merged state. */
export interface SyncMessage {
  from: string;
  state: ClusterState;
}

/**
 * One push-pull exchange with a peer over HTTP: sends this node's merged state, receives the
 * peer's (merged with ours). The peer's answer is validated like any input from the network.
 */
@Injectable()
export class PeerClientAdapter {
  /** `key`: this node's API key for peers that run with an auth file (the sync route needs the admin scope). */
  async exchange(baseUrl: string, message: SyncMessage, timeoutMs: number, key?: string): Promise<SyncMessage> {
    const res = await fetch(`${baseUrl}/v1/cluster/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { authorization: `Bearer ${key}` }) },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
    const body = JSON.parse(text) as Partial<SyncMessage>;
    if (typeof body?.from !== 'string') throw new Error('the answer names no node ("from")');
    return { from: body.from, state: parseClusterState(body.state) };
  }
}
