// The image as issue 5 asks for it. No Docker engine runs on the test machines, so the Dockerfile
// is checked as text: what each stage is built from, what reaches the runtime stage, and how it runs.
import { readFile } from 'node:fs/promises';
import t from 'tap';

interface Stage {
  from: string;
  lines: string[];
}

async function stages(): Promise<Stage[]> {
  const text = await readFile(new URL('../../Dockerfile', import.meta.url), 'utf8');
  const out: Stage[] = [];
  for (const line of text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
    if (/^FROM\s/i.test(line)) out.push({ from: line, lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

void t.test('multi-stage on Node 24; the runtime stage has production dependencies only and no shell', async (t) => {
  const all = await stages();
  t.ok(all.length >= 2, 'multi-stage');
  for (const s of all) t.match(s.from, /node(js)?[:-]?24|nodejs24/, `built on Node 24: ${s.from}`);
  const runtime = all.at(-1);
  t.match(runtime?.from, /distroless\/nodejs24/, 'distroless: no shell at run time');
  t.notOk(runtime?.lines.some((l) => /^RUN\s/i.test(l)), 'nothing runs in the runtime stage (there is no shell to run it)');
  t.ok(all.some((s) => s.lines.some((l) => /npm ci .*--omit=dev/.test(l))), 'production dependencies installed with --omit=dev');
  t.ok(runtime?.lines.some((l) => /^COPY --from=\w+ \/app\/node_modules/.test(l)), 'the runtime gets only those node_modules');
  t.notOk(runtime?.lines.some((l) => /COPY (src|test|bench)\b/.test(l)), 'no sources or tests in the image');
});

void t.test('runs as a non-root user, serve by default', async (t) => {
  const runtime = (await stages()).at(-1);
  const user = runtime?.lines.find((l) => /^USER\s/i.test(l));
  t.match(user, /^USER\s+(\d+)(:\d+)?$/, 'a numeric user, so runAsNonRoot can verify it');
  t.not(user?.split(/\s+/)[1]?.split(':')[0], '0');
  t.ok(runtime?.lines.includes('CMD ["serve"]'));
  t.ok(runtime?.lines.some((l) => /^ENTRYPOINT \[".*node", "\/app\/dist\/src\/cli\/main\.js"\]$/.test(l)));
});
