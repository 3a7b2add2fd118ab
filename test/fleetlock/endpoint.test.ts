import t from 'tap';
import { matchEndpoint } from '../../src/fleetlock/endpoint.js';

void t.test('matches the endpoints under any prefix', (t) => {
  const matches: [string, string][] = [
    ['/v1/pre-reboot', 'pre-reboot'],
    ['/v1/steady-state', 'steady-state'],
    ['//v1/pre-reboot', 'pre-reboot'],
    ['/fleet/v1/pre-reboot', 'pre-reboot'],
    ['/fleet//v1/steady-state', 'steady-state'],
    ['/a/b//v1/steady-state', 'steady-state'],
    ['/v1/pre-reboot?x=1', 'pre-reboot'],
    ['/v1/steady-state?', 'steady-state'],
  ];
  for (const [path, endpoint] of matches) t.equal(matchEndpoint(path), endpoint, path);
  t.end();
});

void t.test('matches nothing else', (t) => {
  for (const path of [
    '/',
    '',
    '/v1',
    '/v1/',
    '/v1/pre-reboot/',
    '/v1/pre-reboot/x',
    '/v1/pre-rebootx',
    '/v1/xpre-reboot',
    '/xv1/pre-reboot',
    '/v2/pre-reboot',
    '/V1/pre-reboot',
    '/v1/Pre-Reboot',
    'v1/pre-reboot',
    '/x?/v1/pre-reboot',
    '/healthz',
  ]) {
    t.equal(matchEndpoint(path), undefined, path);
  }
  t.end();
});
