// --notify-config: receivers as operators write them, a URL from a Secret file or a variable, and every mistake refused at start.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parseServeConfig } from '../../src/config/serve.js';

const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX';

function file(dir: string, name: string, text: string): string {
  const path = `${dir}/${name}`;
  writeFileSync(path, text);
  return path;
}

void t.test('a receiver per format; the URL from a mounted Secret file or an environment variable', async (t) => {
  const dir = t.testdir();
  const secret = file(dir, 'slack-url', `${SLACK}\n`);
  const config = file(
    dir,
    'notify.yaml',
    `drainBlockedAfter: 20m
receivers:
  - name: ops-slack
    format: slack
    urlFile: ${secret}
    on: [drain-blocked, reboots-blocked]
    template: "[prod] {{text}}"
  - name: audit
    format: json
    urlEnv: AUDIT_WEBHOOK_URL
    timeout: 3s
    retries: 2
    queue: 500
`,
  );
  const c = parseServeConfig(['--notify-config', config], { AUDIT_WEBHOOK_URL: 'http://audit.internal:8080/reboots' });
  t.equal(c.notify?.drainBlockedAfterMs, 20 * 60_000);
  t.equal(c.notify?.rebootsBlockedAfterMs, 3_600_000, 'default 1h');
  const [slack, audit] = c.notify?.receivers ?? [];
  t.match(slack, { name: 'ops-slack', format: 'slack', url: SLACK, timeoutMs: 10_000, retries: 5, queueSize: 100, template: { source: '[prod] {{text}}' } }, 'the file is trimmed; defaults 10s, 5 retries, 100 queued');
  t.same([...(slack?.kinds ?? [])], ['drain-blocked', 'reboots-blocked']);
  t.match(audit, { name: 'audit', format: 'json', url: 'http://audit.internal:8080/reboots', timeoutMs: 3000, retries: 2, queueSize: 500, template: undefined });
  t.same([...(audit?.kinds ?? [])], ['claim', 'grant', 'release', 'drain-blocked', 'reboots-blocked'], 'every kind by default');
  t.equal(parseServeConfig([], {}).notify, undefined, 'no file: no notifications');
  t.equal(parseServeConfig([], { REBOOT_MANAGER_NOTIFY_CONFIG: config, AUDIT_WEBHOOK_URL: 'http://a/' }).notify?.receivers.length, 2, 'or from REBOOT_MANAGER_NOTIFY_CONFIG');
});

void t.test('a bad file is refused with the receiver and field named, and never the URL', async (t) => {
  const dir = t.testdir();
  const refuse = (yaml: string, env: NodeJS.ProcessEnv = {}): string => {
    const path = file(dir, 'notify.yaml', yaml);
    try {
      parseServeConfig(['--notify-config', path], env);
    } catch (err) {
      t.equal((err as { code?: string }).code, 'ERR_CONFIG');
      const message = (err as Error).message;
      t.notOk(message.includes('secret'), `no URL in: ${message}`);
      return message.replace(`${dir}/`, '');
    }
    throw new Error('accepted');
  };
  const one = (fields: string): string => `receivers:\n  - name: ops\n    format: slack\n${fields}`;
  t.equal(refuse(one(`    url: ${SLACK}\n    template: "{{node}} {{nodee}}"\n`)), 'invalid --notify-config notify.yaml: receiver ops: template: unknown field {{nodee}}: use one of {{kind}} {{node}} {{group}} {{source}} {{by}} {{reason}} {{code}} {{blockers}} {{at}} {{since}} {{for}} {{refusals}} {{text}}');
  t.equal(refuse(one(`    url: ftp://files.example/secret\n`)), 'invalid --notify-config notify.yaml: receiver ops: url must be http or https');
  t.equal(refuse(one(`    urlEnv: SLACK_URL\n`)), 'invalid --notify-config notify.yaml: receiver ops: urlEnv SLACK_URL: the variable is not set');
  t.equal(refuse(one(`    urlEnv: SLACK_URL\n`), { SLACK_URL: 'not a url secret' }), 'invalid --notify-config notify.yaml: receiver ops: the URL in urlEnv SLACK_URL is not a URL');
  t.equal(refuse(one(`    urlFile: ${dir}/missing\n`)).replace(dir, 'DIR'), 'invalid --notify-config notify.yaml: receiver ops: urlFile DIR/missing: cannot read it (ENOENT)');
  t.equal(refuse(one(`    url: ${SLACK}\n    urlEnv: SLACK_URL\n`)), 'invalid --notify-config notify.yaml: receiver ops: give exactly one of url, urlFile (a file, e.g. a mounted Secret) and urlEnv (an environment variable)');
  t.equal(refuse(one(`    url: ${SLACK}\n    on: [claim, reboot]\n`)), 'invalid --notify-config notify.yaml: receiver ops: on must be a list of claim, grant, release, drain-blocked, reboots-blocked (not "reboot")');
  t.equal(refuse(one(`    url: ${SLACK}\n    timeout: soon\n`)), 'invalid --notify-config notify.yaml: receiver ops: timeout: not a duration like 30s, 5m or 1h30m');
  t.equal(refuse(one(`    url: ${SLACK}\n    queue: 0\n`)), 'invalid --notify-config notify.yaml: receiver ops: queue: must be between 1 and 10000');
  t.equal(refuse(one(`    url: ${SLACK}\n    tempalte: x\n`)), 'invalid --notify-config notify.yaml: receiver ops: unknown field "tempalte" (known: name, format, url, urlFile, urlEnv, on, template, timeout, retries, queue)');
  t.equal(refuse(`receivers:\n  - name: ops\n    format: teams\n    url: ${SLACK}\n`), 'invalid --notify-config notify.yaml: receiver ops: format must be slack or json');
  t.equal(refuse(`receivers:\n  - name: Ops Channel\n`), 'invalid --notify-config notify.yaml: receivers[0].name must be lower-case letters, digits and dashes (at most 63), e.g. ops-slack');
  t.equal(refuse(`${one(`    url: ${SLACK}\n`)}  - name: ops\n    format: json\n    url: ${SLACK}\n`), 'invalid --notify-config notify.yaml: two receivers are named "ops": names label the metrics and logs');
  t.equal(refuse(`receivers: []\n`), 'invalid --notify-config notify.yaml: "receivers" must be a list of at least one receiver');
  t.equal(refuse(`${one(`    url: ${SLACK}\n`)}drainBlockedAfter: 0\n`), 'invalid --notify-config notify.yaml: drainBlockedAfter: not a duration like 30s, 5m or 1h30m');
  t.equal(refuse(`receivers:\n  - name: ops\n    url: "${SLACK}\n`), 'invalid --notify-config notify.yaml: not YAML (MISSING_CHAR at line 4)', 'a YAML error names the line, not its text');
  t.equal(refuse('').replace(dir, 'DIR'), 'invalid --notify-config notify.yaml: expected a mapping with "receivers:"');
});

void t.test('reboot-manager serve refuses a bad notification file at start: exit 2 and the message', async (t) => {
  const path = file(t.testdir(), 'notify.yaml', 'receivers:\n  - name: ops\n    format: slack\n    urlFile: /nonexistent/secret\n');
  const bin = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
  const run = spawnSync(process.execPath, [bin, 'serve', '--notify-config', path], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  t.equal(run.status, 2);
  t.match(run.stderr, /invalid --notify-config .*notify\.yaml: receiver ops: urlFile \/nonexistent\/secret: cannot read it \(ENOENT\)/);
});
