// A scripted FleetLock server on 127.0.0.1: records every request and answers as the test says.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';

export interface LockRequest {
  readonly endpoint: 'pre-reboot' | 'steady-state';
  readonly id: string;
  readonly group: string;
}

export interface LockAnswer {
  readonly status: number;
  readonly kind?: string;
  readonly value?: string;
}

export const GRANT: LockAnswer = { status: 200 };
export const SLOTS_FULL: LockAnswer = { status: 423, kind: 'slots_full', value: 'group default: 1 of 1 slots held by node-b' };
export const DRAINING: LockAnswer = { status: 423, kind: 'draining', value: 'evicting 3 pods' };

export interface FakeFleetLock {
  /** Base URL with a trailing slash, as an operator writes it. */
  readonly url: string;
  readonly requests: LockRequest[];
  /** Decides each answer; default: pre-reboot and steady-state both 200. */
  answer: (req: LockRequest) => LockAnswer;
  preReboots(): LockRequest[];
  steadyStates(): LockRequest[];
  /** Resolves once `predicate` holds, re-checked after every request; rejects after 10 s as a guard. */
  waitFor(predicate: () => boolean, what: string): Promise<void>;
}

export async function startFakeFleetLock(t: Test): Promise<FakeFleetLock> {
  const listeners = new Set<() => void>();
  const fake: FakeFleetLock = {
    url: '',
    requests: [],
    answer: () => GRANT,
    preReboots: () => fake.requests.filter((r) => r.endpoint === 'pre-reboot'),
    steadyStates: () => fake.requests.filter((r) => r.endpoint === 'steady-state'),
    waitFor(predicate, what) {
      if (predicate()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`fake FleetLock: gave up waiting for ${what}`));
        }, 10_000);
        const check = (): void => {
          if (!predicate()) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        listeners.add(check);
      });
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const endpoint = req.url?.endsWith('/v1/pre-reboot') ? 'pre-reboot' : 'steady-state';
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { client_params: { id: string; group: string } };
      const request: LockRequest = { endpoint, id: body.client_params.id, group: body.client_params.group };
      fake.requests.push(request);
      const answer = fake.answer(request);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.status === 200 ? '' : JSON.stringify({ kind: answer.kind, value: answer.value }));
      for (const l of [...listeners]) l();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return Object.assign(fake, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
}
