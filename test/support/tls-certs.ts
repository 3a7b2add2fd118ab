// Test PKI made with the openssl CLI: a root CA, an intermediate, and leaf certificates for 127.0.0.1.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { promisify } from 'node:util';

const run = promisify(execFile);
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export interface Leaf {
  /** The leaf then the intermediate, as a server's chain file. */
  readonly chain: string;
  readonly key: string;
  /** Upper-case hex, as `getPeerCertificate().serialNumber` and `X509Certificate#serialNumber` show it. */
  readonly serial: string;
}

export interface Pki {
  /** A temporary folder removed with the PKI, for files a test's own `t.testdir()` would wipe. */
  readonly dir: string;
  /** The root only: clients trust it, the server never sends it. */
  readonly ca: string;
  leaf(serial: number): Promise<Leaf>;
}

/** A fresh PKI in a temporary folder (removed by `cleanup`). */
export async function makePki(): Promise<Pki & { cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'reboot-manager-tls-'));
  const at = (name: string) => join(dir, name);
  await writeFile(at('ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  await writeFile(at('leaf.ext'), 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await run('openssl', ['req', '-x509', ...EC, '-keyout', at('root.key'), '-out', at('root.crt'), '-subj', '/CN=reboot-manager test root', '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const sign = async (name: string, subject: string, issuer: string, ext: string, serial: number) => {
    await run('openssl', ['req', '-new', ...EC, '-keyout', at(`${name}.key`), '-out', at(`${name}.csr`), '-subj', subject]);
    await run('openssl', ['x509', '-req', '-in', at(`${name}.csr`), '-CA', at(`${issuer}.crt`), '-CAkey', at(`${issuer}.key`), '-set_serial', String(serial), '-days', '2', '-extfile', at(ext), '-out', at(`${name}.crt`)]);
  };
  await sign('intermediate', '/CN=reboot-manager test intermediate', 'root', 'ca.ext', 1);
  const intermediate = await readFile(at('intermediate.crt'), 'utf8');
  return {
    dir,
    ca: await readFile(at('root.crt'), 'utf8'),
    async leaf(serial) {
      const name = `leaf-${serial}`;
      await sign(name, `/CN=reboot-manager ${serial}`, 'intermediate', 'leaf.ext', serial);
      const [cert, key] = await Promise.all([readFile(at(`${name}.crt`), 'utf8'), readFile(at(`${name}.key`), 'utf8')]);
      return { chain: cert + intermediate, key, serial: evenHex(serial) };
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

const evenHex = (n: number): string => {
  const hex = n.toString(16).toUpperCase();
  return hex.length % 2 ? `0${hex}` : hex;
};

/**
 * A folder laid out as the kubelet lays out a Secret volume: `tls.crt` and `tls.key` are symlinks
 * through `..data`, which points at a timestamped folder and is swapped atomically on an update.
 */
export class SecretVolume {
  private generation = 0;

  constructor(readonly dir: string) {}

  get certFile(): string {
    return join(this.dir, 'tls.crt');
  }

  get keyFile(): string {
    return join(this.dir, 'tls.key');
  }

  /** Writes the pair as a new generation and swaps `..data` to it, as the kubelet does. */
  async publish(cert: string, key: string): Promise<void> {
    const first = this.generation === 0;
    const gen = `..gen_${++this.generation}`;
    await mkdir(join(this.dir, gen), { recursive: true });
    await writeFile(join(this.dir, gen, 'tls.crt'), cert);
    await writeFile(join(this.dir, gen, 'tls.key'), key);
    await symlink(gen, join(this.dir, '..data_tmp'));
    await rename(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
    if (first) {
      await symlink('..data/tls.crt', this.certFile);
      await symlink('..data/tls.key', this.keyFile);
    } else {
      await rm(join(this.dir, `..gen_${this.generation - 1}`), { recursive: true });
    }
  }
}

/** The serial of the certificate a new TLS connection to 127.0.0.1:`port` is given, verified against `ca`. */
export function servedSerial(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.destroy();
      resolve(serial);
    });
    socket.on('error', reject);
  });
}
