// The RebootPolicy CRD as YAML reads it: every key is a name (an unquoted description with a comma
// in a flow mapping silently makes extra keys, which the real API server refuses), and the health gate's bounds
// are the parser's.
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { parse } from 'yaml';
import { DEFAULT_HEALTH_GATE, parseHealthGate } from '../../src/policy/health-gate.js';
import { PolicyError, parsePolicySpec } from '../../src/policy/parse.js';
import { PAUSE_BY_MAX_LENGTH, PAUSE_REASON_MAX_LENGTH } from '../../src/policy/policy.js';
import { KUBERNETES } from '../support/manifests.js';

interface Schema {
  properties?: Record<string, Schema>;
  items?: Schema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  required?: string[];
  enum?: string[];
}

const crd = async () => parse(await readFile(`${KUBERNETES}base/policy-crd.yaml`, 'utf8')) as { spec: { versions: { schema: { openAPIV3Schema: Schema } }[] } };

void t.test('every key in the schema is a name, not a piece of a description', async (t) => {
  const odd: string[] = [];
  const walk = (o: unknown, path: string): void => {
    if (typeof o !== 'object' || o === null) return;
    for (const [key, sub] of Object.entries(o)) {
      if (/\s/.test(key)) odd.push(`${path}.${key}`);
      walk(sub, `${path}.${key}`);
    }
  };
  walk(await crd(), '');
  t.same(odd, []);
});

void t.test('the schema bounds spec.healthGate as the parser does', async (t) => {
  const gate = (await crd()).spec.versions[0]?.schema.openAPIV3Schema.properties?.spec?.properties?.healthGate?.properties ?? {};
  t.same(Object.keys(gate).sort(), ['enabled', 'nodeReadySeconds', 'onTimeout', 'timeoutSeconds']);
  t.same(gate.onTimeout?.enum, ['Proceed', 'Block']);
  for (const [field, s] of [['timeoutSeconds', gate.timeoutSeconds], ['nodeReadySeconds', gate.nodeReadySeconds]] as const) {
    const at = (seconds: number) => () => parseHealthGate({ [field]: seconds }, 'spec.healthGate', DEFAULT_HEALTH_GATE);
    t.doesNotThrow(at(s?.minimum ?? NaN), `${field} minimum accepted`);
    t.doesNotThrow(at(s?.maximum ?? NaN), `${field} maximum accepted`);
    t.throws(at((s?.minimum ?? NaN) - 1), `${field} below the minimum refused`);
    t.throws(at((s?.maximum ?? NaN) + 1), `${field} above the maximum refused`);
  }
});

void t.test('the schema bounds spec.pause as the parser and `reboot-manager pause` do', async (t) => {
  const pause = (await crd()).spec.versions[0]?.schema.openAPIV3Schema.properties?.spec?.properties?.pause;
  t.same(pause?.required, ['reason']);
  t.equal(pause?.properties?.reason?.minLength, 1);
  t.equal(pause?.properties?.reason?.maxLength, PAUSE_REASON_MAX_LENGTH);
  t.equal(pause?.properties?.by?.maxLength, PAUSE_BY_MAX_LENGTH);
  const spec = (reason: string, by = '') => ({ pause: { reason, by } });
  const defaults = { maxUnavailable: 1, countUnavailable: false, healthGate: DEFAULT_HEALTH_GATE };
  // Counted in characters (code points), as the API server counts maxLength.
  t.doesNotThrow(() => parsePolicySpec(spec('é'.repeat(PAUSE_REASON_MAX_LENGTH), '😀'.repeat(PAUSE_BY_MAX_LENGTH)), defaults));
  t.throws(() => parsePolicySpec(spec('x'.repeat(PAUSE_REASON_MAX_LENGTH + 1)), defaults), new PolicyError('spec.pause.reason', `must be at most ${PAUSE_REASON_MAX_LENGTH} characters`));
  t.throws(() => parsePolicySpec(spec('x', 'y'.repeat(PAUSE_BY_MAX_LENGTH + 1)), defaults), new PolicyError('spec.pause.by', `must be at most ${PAUSE_BY_MAX_LENGTH} characters`));
});
