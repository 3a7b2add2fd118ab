// Validation and defaults as kube-apiserver v1.36 applies them to what the product writes (recorded by test/e2e/parity.e2e.ts).
import t from 'tap';
import { makeNode } from '../../src/sim/kube/index.js';
import { raw, simFor } from '../support/sim-helpers.js';

const NAME_PART = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const merge = 'application/merge-patch+json';

interface Status {
  message: string;
  details: { name?: string; kind?: string; group?: string; causes: { reason: string; message: string; field: string }[] };
}

void t.test('a bad annotation key on a Node patch: 422 naming the Kind, each cause four times, the message once', async (t) => {
  const sim = await simFor(t);
  sim.store.createNode(makeNode({ name: 'p1', machineID: 'a'.repeat(32) }));
  const answer = await raw(sim, 'PATCH', '/api/v1/nodes/p1', { body: { metadata: { annotations: { 'bad key!': 'v' } } }, contentType: merge });
  t.equal(answer.status, 422);
  const cause = { reason: 'FieldValueInvalid', message: `Invalid value: "bad key!": ${NAME_PART}`, field: 'metadata.annotations' };
  t.same(answer.json(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `Node "p1" is invalid: metadata.annotations: Invalid value: "bad key!": ${NAME_PART}`,
    reason: 'Invalid',
    details: { name: 'p1', kind: 'Node', causes: [cause, cause, cause, cause] },
    code: 422,
  });
  const several = (await raw(sim, 'PATCH', '/api/v1/nodes/p1', { body: { metadata: { annotations: { 'Upper.com/ok': '1', '/x': '1' }, labels: { l: 'a'.repeat(64) } } }, contentType: merge })).json<Status>();
  t.same(new Set(several.details.causes.map((c) => `${c.field} ${c.message}`)), new Set([`metadata.labels Invalid value: "${'a'.repeat(64)}": must be no more than 63 bytes`, 'metadata.annotations Invalid value: "/x": prefix part must be non-empty']), 'annotation keys are checked lowercased');
  t.match(several.message, /^Node "p1" is invalid: \[metadata\.labels: .*, metadata\.annotations: .*\]$/, 'several errors in brackets');
  const created = (await raw(sim, 'POST', '/api/v1/nodes', { body: { metadata: { name: 'bad', annotations: { 'bad key!': 'v' } } } })).json<Status>();
  t.equal(created.details.causes.length, 1, 'a create reports each cause once');
  const badName = (await raw(sim, 'POST', '/api/v1/nodes', { body: { metadata: { name: 'Bad_Name' } } })).json<Status>();
  t.equal(badName.message, `Node "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`);
});

void t.test('Lease: times without six fractional digits fail decoding (400); field errors are listed together (422)', async (t) => {
  const sim = await simFor(t);
  const lease = (name: string, spec: object) => raw(sim, 'POST', '/apis/coordination.k8s.io/v1/namespaces/default/leases', { body: { metadata: { name }, spec: { holderIdentity: 'a', ...spec } } });
  t.match((await lease('l1', { renewTime: '2026-01-01T00:00:00Z' })).json(), {
    code: 400,
    reason: 'BadRequest',
    message: 'Lease in version "v1" cannot be handled as a Lease: parsing time "2026-01-01T00:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"',
  });
  t.match((await lease('l1', { renewTime: '2026-01-01T00:00:00.123Z' })).json(), { message: /: cannot parse "\.123Z" as "\.000000"$/ });
  t.same((await lease('l2', { leaseDurationSeconds: 0, leaseTransitions: -1 })).json(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Lease.coordination.k8s.io "l2" is invalid: [spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0, spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0]',
    reason: 'Invalid',
    details: {
      name: 'l2',
      group: 'coordination.k8s.io',
      kind: 'Lease',
      causes: [
        { reason: 'FieldValueInvalid', message: 'Invalid value: 0: must be greater than 0', field: 'spec.leaseDurationSeconds' },
        { reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.leaseTransitions' },
      ],
    },
    code: 422,
  });
});

void t.test('defaults: an Event gets eventTime null; a Node keeps the status it is created with; a no-op status write keeps the version', async (t) => {
  const sim = await simFor(t);
  const event = await raw(sim, 'POST', '/api/v1/namespaces/default/events', {
    body: { metadata: { name: 'n1.abc' }, involvedObject: { apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'u' }, type: 'Normal', reason: 'Cordoned', message: 'm', firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:00:00Z', count: 1 },
  });
  t.match(event.json(), { eventTime: null, count: 1 });
  const node = await raw(sim, 'POST', '/api/v1/nodes', { body: { metadata: { name: 'p0' }, status: { nodeInfo: { machineID: 'x', bootID: 'b' }, conditions: [{ type: 'Ready', status: 'True' }] } } });
  t.match(node.json(), { status: { nodeInfo: { machineID: 'x', bootID: 'b' }, conditions: [{ type: 'Ready', status: 'True' }] } });
  const rv = (o: { metadata: { resourceVersion: string } }) => o.metadata.resourceVersion;
  const first = (await raw(sim, 'PATCH', '/api/v1/nodes/p0/status', { body: { status: { nodeInfo: { bootID: 'b2' } } }, contentType: merge })).json<{ metadata: { resourceVersion: string } }>();
  const again = (await raw(sim, 'PATCH', '/api/v1/nodes/p0/status', { body: { status: { nodeInfo: { bootID: 'b2' } } }, contentType: merge })).json<{ metadata: { resourceVersion: string } }>();
  t.equal(rv(again), rv(first));
  const stale = await raw(sim, 'PATCH', '/api/v1/nodes/p0', { body: { metadata: { resourceVersion: '1', labels: { a: 'b' } } }, contentType: merge });
  t.same(stale.json(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Operation cannot be fulfilled on nodes "p0": the object has been modified; please apply your changes to the latest version and try again',
    reason: 'Conflict',
    details: { name: 'p0', kind: 'nodes' },
    code: 409,
  });
});

void t.test('403 for a collection leaves details.name out', async (t) => {
  const sim = await simFor(t);
  const denied = await raw(sim, 'GET', '/api/v1/namespaces/default/pods', { token: sim.token({ serviceAccount: { namespace: 'default', name: 'parity' } }) });
  t.same(denied.json(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'pods is forbidden: User "system:serviceaccount:default:parity" cannot list resource "pods" in API group "" in the namespace "default"',
    reason: 'Forbidden',
    details: { kind: 'pods' },
    code: 403,
  });
});

void t.test('an Event about a Node is accepted in default only: elsewhere 422 on involvedObject.namespace', async (t) => {
  const sim = await simFor(t);
  const event = (namespace: string) => raw(sim, 'POST', `/api/v1/namespaces/${namespace}/events`, {
    body: { metadata: { name: 'n1.1' }, involvedObject: { kind: 'Node', name: 'n1' }, reason: 'Cordoned', message: 'cordoned', type: 'Normal' },
  });
  t.equal((await event('default')).status, 201, 'in default it is kept');
  const refused = await event('kube-public');
  t.equal(refused.status, 422);
  t.match(refused.json(), {
    message: 'Event "n1.1" is invalid: involvedObject.namespace: Invalid value: "": does not match event.namespace',
    details: { kind: 'Event', causes: [{ reason: 'FieldValueInvalid', field: 'involvedObject.namespace', message: 'Invalid value: "": does not match event.namespace' }] },
  });
});
