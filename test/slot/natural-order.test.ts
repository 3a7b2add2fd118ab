// Node names in the order an operator counts them: node-2 before node-10, wherever nodes are listed.
import t from 'tap';
import { compareNatural, naturally } from '../../src/slot/natural-order.js';

void t.test('numbers inside names compare by value', async (t) => {
  t.same(naturally(['node-10', 'node-2', 'node-1', 'node-100', 'node-9']), ['node-1', 'node-2', 'node-9', 'node-10', 'node-100']);
  t.same(naturally(['a10', 'a9', 'b1', 'a']), ['a', 'a9', 'a10', 'b1']);
  t.same(naturally(['pool2-node10', 'pool10-node1', 'pool2-node9']), ['pool2-node9', 'pool2-node10', 'pool10-node1'], 'every digit run, not only the last');
  t.same(naturally(['ip-10-0-1-20.ec2.internal', 'ip-10-0-1-3.ec2.internal', 'ip-10-0-12-1.ec2.internal']), ['ip-10-0-1-3.ec2.internal', 'ip-10-0-1-20.ec2.internal', 'ip-10-0-12-1.ec2.internal'], 'names as EKS writes them');
});

void t.test('numbers longer than a double holds still compare by value', async (t) => {
  t.same(naturally(['n123456789012345678901', 'n99999999999999999999', 'n123456789012345678900']), ['n99999999999999999999', 'n123456789012345678900', 'n123456789012345678901']);
});

void t.test('leading zeros: padded and unpadded names interleave by value, fewer zeros first when equal', async (t) => {
  t.same(naturally(['node-010', 'node-9', 'node-0011', 'node-10', 'node-09']), ['node-9', 'node-09', 'node-10', 'node-010', 'node-0011']);
  t.same(naturally(['x000', 'x0', 'x00']), ['x0', 'x00', 'x000']);
});

void t.test('case is ignored but for ties, which put upper case first', async (t) => {
  t.same(naturally(['b', 'A', 'a', 'B', 'c']), ['A', 'a', 'B', 'b', 'c']);
  t.same(naturally(['Node-10', 'node-2']), ['node-2', 'Node-10'], 'the number decides before the case');
});

void t.test('a shorter name that is a prefix comes first; separators keep their code order', async (t) => {
  t.same(naturally(['node-1a', 'node-1', 'node']), ['node', 'node-1', 'node-1a']);
  t.same(naturally(['a.1', 'a-1', 'a1']), ['a-1', 'a.1', 'a1']);
});

void t.test('a total order: 0 only for equal names, antisymmetric and transitive over a mixed sample', async (t) => {
  const names = ['', '0', '00', '1', '01', '10', 'a', 'A', 'a0', 'a00', 'a1', 'A1', 'a01', 'a-1', 'a.1', 'a10', 'ab', 'aB', 'a1b', 'a1B', 'a01b', 'b', 'node-2', 'node-10', 'node-02', 'z9', 'é'];
  let violations = 0;
  for (const x of names) {
    for (const y of names) {
      const xy = compareNatural(x, y);
      if ((xy === 0) !== (x === y) || xy !== -compareNatural(y, x)) violations++;
      for (const z of names) if (xy < 0 && compareNatural(y, z) < 0 && compareNatural(x, z) >= 0) violations++;
    }
  }
  t.equal(violations, 0);
});
