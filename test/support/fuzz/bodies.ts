// Hostile request bodies: mutated FleetLock JSON, deep nesting, huge numbers, control bytes, prototype keys, sizes.
import type { Rng } from './rng.js';

/** The body limit the server is run with (its default). */
export const BODY_LIMIT = 16 * 1024;

// Ids no Node has: the generator never asks for a real node, so no Node may change.
const fakeId = (rng: Rng): string => rng.pick([`fz${rng.text(30, '0123456789abcdef')}`, rng.text(1 + rng.int(40)), 'x', '']);

const STRANGE_VALUES = [
  '""', 'null', 'true', '0', '-0', '1e999999', '-1e-999999', '123456789012345678901234567890', '9'.repeat(400), '[]', '{}',
  '"\\u0000"', '"\\ud800"', '"\\udfff\\ud800"', '"\\u001b[31m"', '"a\\nb"', '"../../etc"', '"default"', '"%00"', '{"toString":1}',
] as const;

function fleetLockJson(rng: Rng): string {
  const id = rng.chance(0.7) ? JSON.stringify(fakeId(rng)) : rng.pick(STRANGE_VALUES);
  const group = rng.chance(0.7) ? JSON.stringify(rng.pick(['default', 'workers', 'a.b-c', rng.text(1 + rng.int(300))])) : rng.pick(STRANGE_VALUES);
  const params = rng.chance(0.5) ? `{"id":${id},"group":${group}}` : `{\n    "group": ${group},\n    "id": ${id}\n  }`;
  return `{\n  "client_params": ${params}\n}`;
}

// Bytes a mutation may insert: JSON structure, quotes, control bytes, invalid UTF-8.
const INSERTS = ['{', '}', '[', ']', '"', ':', ',', '\\', '\0', '\x01', '\x7f', '\n', ' ', 'e', '-', '\ud800'];
const RAW_INSERTS = [Buffer.from([0xff]), Buffer.from([0xc0, 0x80]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe2, 0x82])];

function mutate(rng: Rng, source: Buffer): Buffer {
  let b = source;
  for (let n = 1 + rng.int(5); n > 0; n--) {
    const at = rng.int(b.length + 1);
    switch (rng.int(5)) {
      case 0:
        if (b.length > 0) b = Buffer.concat([b.subarray(0, at), Buffer.from([rng.int(256)]), b.subarray(at + 1)]);
        break;
      case 1:
        b = Buffer.concat([b.subarray(0, at), Buffer.from(rng.pick(INSERTS)), b.subarray(at)]);
        break;
      case 2:
        b = Buffer.concat([b.subarray(0, at), rng.pick(RAW_INSERTS), b.subarray(at)]);
        break;
      case 3:
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + rng.int(8))]);
        break;
      default:
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + rng.int(16)), b.subarray(at)]);
    }
  }
  return b;
}

function nested(rng: Rng): string {
  const depth = rng.pick([100, 1_000, 5_000, 8_000]);
  if (rng.chance(0.5)) return '['.repeat(depth) + ']'.repeat(rng.chance(0.5) ? depth : rng.int(depth));
  return `{"client_params":${'{"a":'.repeat(depth / 5)}1${'}'.repeat(depth / 5)}}`;
}

const PROTO_BODIES = [
  '{"__proto__":{"client_params":{"id":"ID","group":"default"}}}',
  '{"client_params":{"__proto__":{"id":"ID","group":"default"}}}',
  '{"client_params":{"id":"ID","group":"default","__proto__":{"isAdmin":true}}}',
  '{"constructor":{"prototype":{"id":"ID"}},"client_params":{"id":"ID","group":"default"}}',
  '{"client_params":{"constructor":{"prototype":{"group":"default"}},"id":"ID"}}',
  '{"client_params":{"id":"ID","id":"ID2","group":"default","group":"x"}}',
  '{"client_params":{"id":"ID","group":"default"},"client_params":null}',
  '{"client_params":{"hasOwnProperty":1,"id":"ID","group":"default"}}',
];

/** One hostile body that stays within the body limit. */
export function smallBody(rng: Rng): Buffer {
  switch (rng.int(11)) {
    case 0:
    case 9:
    case 10:
      return Buffer.from(fleetLockJson(rng));
    case 1:
    case 2:
      return mutate(rng, Buffer.from(fleetLockJson(rng)));
    case 3:
      return Buffer.from(nested(rng));
    case 4:
      return Buffer.from(rng.pick(PROTO_BODIES).replaceAll('ID', fakeId(rng)));
    case 5:
      return rng.bytes(rng.int(200));
    case 6:
      return Buffer.from(rng.pick(['', ' ', 'null', '[]', '{}', '"client_params"', '{"client_params":{}}', 'client_params=x&id=y']));
    case 7:
      return Buffer.from(`{"client_params":{"id":${rng.pick(STRANGE_VALUES)},"group":${rng.pick(STRANGE_VALUES)}}}`);
    default:
      return Buffer.concat([Buffer.from('{"client_params":{"id":"'), rng.pick(RAW_INSERTS), Buffer.from(`${fakeId(rng)}\x01","group":"def\x00ault"}}`)]);
  }
}

/** A body over the limit, or (rarely) a huge nesting of `[` far past it. */
export function oversizedBody(rng: Rng): Buffer {
  if (rng.chance(0.2)) return Buffer.from('['.repeat(100_000));
  return Buffer.concat([Buffer.from(fleetLockJson(rng)), Buffer.alloc(BODY_LIMIT + 1 + rng.int(40_000), 0x20)]);
}
