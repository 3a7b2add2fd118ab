import t from 'tap';
import {
  appSpecificId,
  InvalidMachineIdError,
  normalizeMachineId,
  ZINCATI_APP_ID,
  zincatiId,
} from '../../src/identity/app-specific-id.js';

void t.test('Zincati ids from fleetlock-protocol.md test vectors', (t) => {
  t.equal(zincatiId('1c09ca98649c4c7abc779cd04c96812e'), '978a225b3d7b40e9acd7ce9b62f68444');
  t.equal(zincatiId('1c09ca98-649c-4c7a-bc77-9cd04c96812e'), '978a225b3d7b40e9acd7ce9b62f68444');
  t.equal(zincatiId('1C09CA98649C4C7ABC779CD04C96812E'), '978a225b3d7b40e9acd7ce9b62f68444');
  t.equal(zincatiId('dfd7882acda64c34aca76193c46f5d4e'), '35ba2101ae3f4d45b96e9c51f461bbff');
  t.equal(zincatiId('dfd7882acda64c34aca76193c46f5d4e'), appSpecificId('dfd7882acda64c34aca76193c46f5d4e', ZINCATI_APP_ID));
  t.end();
});

void t.test('generic app-specific id vector', (t) => {
  t.equal(
    appSpecificId('2e074e9b299c41a59923c51ae16f279b', '033b1b9b264441fcaa173e9e5bf35c5a'),
    '4d4a86c9c6644a479560ded5d19a30c5',
  );
  t.end();
});

void t.test('the result is stamped as a UUID v4 (version and variant bits)', (t) => {
  for (const machine of ['00000000000000000000000000000000', 'ffffffffffffffffffffffffffffffff']) {
    const id = zincatiId(machine);
    t.match(id, /^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/, machine);
  }
  t.end();
});

void t.test('normalizeMachineId', (t) => {
  t.equal(normalizeMachineId('1c09ca98649c4c7abc779cd04c96812e'), '1c09ca98649c4c7abc779cd04c96812e');
  t.equal(normalizeMachineId('1C09CA98-649C-4C7A-BC77-9CD04C96812E'), '1c09ca98649c4c7abc779cd04c96812e');
  const rejected: unknown[] = [
    '',
    '1c09ca98649c4c7abc779cd04c96812',
    '1c09ca98649c4c7abc779cd04c96812e0',
    '1c09ca98649c4c7abc779cd04c96812g',
    ' 1c09ca98649c4c7abc779cd04c96812e',
    '1c09ca98649c4c7abc779cd04c96812e\n',
    '1c09ca98-649c4c7a-bc77-9cd04c96812e',
    '{1c09ca98-649c-4c7a-bc77-9cd04c96812e}',
    undefined,
    null,
    42,
  ];
  for (const value of rejected) t.equal(normalizeMachineId(value), undefined, JSON.stringify(value) ?? 'undefined');
  t.end();
});

void t.test('invalid ids throw a typed error with a code', (t) => {
  t.throws(() => zincatiId('not-a-machine-id'), InvalidMachineIdError);
  t.throws(() => appSpecificId('1c09ca98649c4c7abc779cd04c96812e', 'zincati'), { code: 'ERR_INVALID_MACHINE_ID', message: /app id/ });
  t.end();
});
