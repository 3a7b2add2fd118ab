import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { nodeIdFromFile } from '../../src/agent/node-id.js';

void t.test('the node id is the Zincati id of the host machine-id, whitespace and dashes ignored', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'machine-id');
  writeFileSync(file, 'dfd7882acda64c34aca76193c46f5d4e\n');
  t.same(await nodeIdFromFile(file), { machineId: 'dfd7882acda64c34aca76193c46f5d4e', id: '35ba2101ae3f4d45b96e9c51f461bbff' });
});

void t.test('a missing, empty or uninitialized machine-id file is refused with a typed error', async (t) => {
  const dir = t.testdir();
  await t.rejects(nodeIdFromFile(join(dir, 'absent')), { name: 'MachineIdFileError', code: 'ERR_MACHINE_ID_FILE', message: /cannot be read: ENOENT.*--machine-id-file/ });
  for (const contents of ['', 'uninitialized\n', '1c09ca98649c4c7abc779cd04c96812']) {
    const file = join(dir, 'machine-id');
    writeFileSync(file, contents);
    await t.rejects(nodeIdFromFile(file), { code: 'ERR_MACHINE_ID_FILE', message: /does not hold a machine id/ }, JSON.stringify(contents));
  }
});
