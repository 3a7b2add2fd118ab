import t from 'tap';
import { canonicalAddress, parseAddressRange } from '../../src/identity/address.js';
import { CallerIndex, agentPodEntryKey, nodeEntryKey } from '../../src/identity/callers.js';

void t.test('addresses compare in one canonical form, as sockets report them', async (t) => {
  t.equal(canonicalAddress('::ffff:10.0.0.7'), '10.0.0.7', 'IPv4-mapped IPv6 (a dual-stack listener) is plain IPv4');
  t.equal(canonicalAddress('2001:DB8:0:0:0:0:0:1'), '2001:db8::1', 'IPv6 compressed and lower case');
  t.equal(canonicalAddress(' 10.1.2.3 '), '10.1.2.3');
  t.equal(canonicalAddress('node-1.example.com'), undefined, 'a host name is no address');
  t.equal(canonicalAddress(''), undefined);
  t.equal(parseAddressRange('10.0.0.0/8'), '10.0.0.0/8');
  t.equal(parseAddressRange('2001:db8::/32'), '2001:db8::/32');
  t.throws(() => parseAddressRange('10.0.0.0/33'), /invalid prefix length/);
  t.throws(() => parseAddressRange('proxy.example.com'), /not an IP address or CIDR range/);
});

void t.test('a caller speaks for the nodes whose addresses or agent pods it has', async (t) => {
  const callers = new CallerIndex();
  callers.set(nodeEntryKey('node-1'), 'node-1', ['10.0.0.1', '2001:db8::1']);
  callers.set(nodeEntryKey('node-2'), 'node-2', ['10.0.0.2']);
  callers.set(agentPodEntryKey('reboot-manager/agent-a'), 'node-1', ['10.244.1.5']);
  t.ok(callers.isFrom('10.0.0.1', 'node-1'));
  t.ok(callers.isFrom('::ffff:10.0.0.1', 'node-1'), 'whatever form the socket uses');
  t.ok(callers.isFrom('2001:db8:0::1', 'node-1'));
  t.ok(callers.isFrom('10.244.1.5', 'node-1'), 'the agent pod on node-1');
  t.notOk(callers.isFrom('10.0.0.2', 'node-1'), "another node's address");
  t.notOk(callers.isFrom('10.244.1.5', 'node-2'), 'the agent pod does not speak for another node');
  t.notOk(callers.known('192.0.2.1'));

  callers.set(agentPodEntryKey('reboot-manager/agent-a'), 'node-2', ['10.244.1.5']);
  t.ok(callers.isFrom('10.244.1.5', 'node-2'), 'a pod IP reused on another node moves with it');
  t.notOk(callers.isFrom('10.244.1.5', 'node-1'));
  callers.set(nodeEntryKey('node-1'), 'node-1', ['10.0.0.9']);
  t.notOk(callers.isFrom('10.0.0.1', 'node-1'), 'a changed node address is forgotten');
  t.ok(callers.isFrom('10.0.0.9', 'node-1'));

  // Two sources of one address (a hostNetwork agent pod has its node's IP): removing one keeps the other.
  callers.set(agentPodEntryKey('reboot-manager/agent-host'), 'node-2', ['10.0.0.2']);
  callers.delete(agentPodEntryKey('reboot-manager/agent-host'));
  t.ok(callers.isFrom('10.0.0.2', 'node-2'), "the node's own address stays");
  callers.delete(nodeEntryKey('node-2'));
  t.notOk(callers.isFrom('10.0.0.2', 'node-2'));
  t.ok(callers.isFrom('10.244.1.5', 'node-2'), 'the pod entry is separate from the node entry');
});
