// kubernetes/tls renders with kubectl: the base serving HTTPS from the Secret reboot-manager-tls.
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { parseServeConfig } from '../../src/config/serve.js';
import { KUBERNETES, envOf, kinds, render, type Doc } from '../support/manifests.js';

interface Probe {
  httpGet?: { path: string; port: string | number; scheme?: string };
}

interface Container {
  args?: string[];
  env?: { name: string; value?: string }[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

interface PodSpec {
  containers: Container[];
  volumes?: { name: string; secret?: { secretName: string; defaultMode?: number } }[];
  securityContext?: { runAsGroup?: number; fsGroup?: number };
}

const find = (docs: Doc[], kind: string): Doc | undefined => docs.find((d) => d.kind === kind && d.metadata.name === 'reboot-manager');

void t.test('kubectl kustomize kubernetes/tls: the base, serving HTTPS from the mounted Secret', async (t) => {
  let base: Doc[];
  let tls: Doc[];
  try {
    [base, tls] = await Promise.all([render(KUBERNETES), render(`${KUBERNETES}tls`)]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return t.plan(0, 'kubectl is not installed');
    throw err;
  }
  t.same(kinds(tls), kinds(base), 'the same objects as the base: no cert-manager object the cluster may not know');

  const pod = (find(tls, 'Deployment')?.spec as { template: { spec: PodSpec } } | undefined)?.template.spec;
  const [server] = pod?.containers ?? [];
  const config = parseServeConfig(server?.args?.slice(1) ?? [], envOf(server));
  t.ok(config.tls, 'the server is given both TLS files');
  const mount = server?.volumeMounts?.find((m) => m.mountPath === dirname(config.tls?.certFile ?? ''));
  t.equal(dirname(config.tls?.keyFile ?? ''), mount?.mountPath, 'both files in the mounted folder (the one the reloader watches)');
  t.equal(mount?.readOnly, true, 'mounted read-only');
  const volume = pod?.volumes?.find((v) => v.name === mount?.name);
  t.equal(volume?.secret?.secretName, 'reboot-manager-tls');
  t.equal(volume?.secret?.defaultMode, 0o440, 'the key is not readable by other users');
  t.equal(pod?.securityContext?.fsGroup, pod?.securityContext?.runAsGroup, "the files belong to the server's group");

  // TLS is the public port's: the probes stay plain HTTP on the internal port.
  const listenPort = server?.ports?.find((p) => p.containerPort === config.listen.port);
  const internalPort = server?.ports?.find((p) => p.containerPort === config.internalListen.port);
  for (const probe of [server?.livenessProbe, server?.readinessProbe]) {
    t.equal(probe?.httpGet?.port, internalPort?.name, `${probe?.httpGet?.path} on the internal port`);
    t.equal(probe?.httpGet?.scheme, undefined, 'over plain HTTP');
  }

  const ports = (find(tls, 'Service')?.spec as { ports: { port: number; targetPort: string | number }[] } | undefined)?.ports ?? [];
  t.match(ports, [{ port: 443, targetPort: listenPort?.name }], 'https://ADDRESS/ (port 443) reaches the FleetLock port');
});

void t.test('kubernetes/tls/certificate.yaml: a cert-manager Certificate for the Secret the overlay mounts', async (t) => {
  const cert = parse(await readFile(`${KUBERNETES}tls/certificate.yaml`, 'utf8')) as Doc & { apiVersion: string; spec: { secretName: string } };
  t.equal(cert.apiVersion, 'cert-manager.io/v1');
  t.equal(cert.kind, 'Certificate');
  t.equal(cert.metadata.namespace, 'reboot-manager', "in the server's namespace, where the pods mount the Secret");
  t.equal(cert.spec.secretName, 'reboot-manager-tls');
});
