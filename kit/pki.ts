// The control plane's certificates and keys, made with openssl for one run and thrown away with it.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface KeyPair {
  readonly cert: string;
  readonly key: string;
}

export interface Pki {
  readonly caCert: string;
  readonly caKey: string;
  readonly apiserver: KeyPair;
  /** Client certificates: O=system:masters for the admin, the component's own user for the others. */
  readonly admin: KeyPair;
  readonly controllerManager: KeyPair;
  readonly scheduler: KeyPair;
  readonly kwok: KeyPair;
  /** The ServiceAccount token signer (private) and verifier (public). */
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: readonly string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function leaf(dir: string, ca: KeyPair, name: string, subject: string, extensions: readonly string[]): KeyPair {
  const pair = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  openssl(['req', '-x509', ...EC, '-keyout', pair.key, '-out', pair.cert, '-days', '7', '-subj', subject,
    '-CA', ca.cert, '-CAkey', ca.key, ...['basicConstraints=critical,CA:FALSE', ...extensions].flatMap((e) => ['-addext', e])]);
  return pair;
}

const client = ['extendedKeyUsage=clientAuth', 'keyUsage=critical,digitalSignature'];

export function makePki(dir: string): Pki {
  const ca = { cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') };
  openssl(['req', '-x509', ...EC, '-keyout', ca.key, '-out', ca.cert, '-days', '7', '-subj', '/CN=reboot-manager-kit-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const saKey = join(dir, 'service-account.key');
  const saPub = join(dir, 'service-account.pub');
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', saKey]);
  openssl(['pkey', '-in', saKey, '-pubout', '-out', saPub]);
  return {
    caCert: ca.cert,
    caKey: ca.key,
    apiserver: leaf(dir, ca, 'apiserver', '/CN=kube-apiserver', [
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc',
      'extendedKeyUsage=serverAuth', 'keyUsage=critical,digitalSignature',
    ]),
    admin: leaf(dir, ca, 'admin', '/O=system:masters/CN=kit-admin', client),
    controllerManager: leaf(dir, ca, 'controller-manager', '/CN=system:kube-controller-manager', client),
    scheduler: leaf(dir, ca, 'scheduler', '/CN=system:kube-scheduler', client),
    // kwok plays every kubelet, so it needs more than one node's identity may do.
    kwok: leaf(dir, ca, 'kwok', '/O=system:masters/CN=kwok', client),
    serviceAccountKey: saKey,
    serviceAccountPub: saPub,
  };
}
