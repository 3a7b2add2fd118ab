// The RebootPolicy CRD as YAML reads it: every key is a name (an unquoted description with a comma
// in a flow mapping silently makes extra keys, which the real API server refuses), and the health gate's bounds
// are the parser's.
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { parse } from 'yaml';
import { DEFAULT_HEALTH_GATE, parseHealthGate } from '../../src/policy/health-gate.js';
import { KUBERNETES } from '../support/manifests.js';

interface Schema {
  properties?: Record<string, Schema>;
  items?: Schema;
  minimum?: number;
  maximum?: number;
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
