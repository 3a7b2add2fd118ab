// Kubeconfig files for the kit's users: certificate users (admin, controllers, kwok) and ServiceAccount tokens.
import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export type Credentials = { readonly cert: string; readonly key: string } | { readonly token: string };

const b64 = (file: string): string => readFileSync(file).toString('base64');

/** Writes a one-context kubeconfig with the certificates inlined, so the file works from anywhere. */
export function writeKubeconfig(path: string, server: string, caCert: string, user: string, credentials: Credentials): string {
  const userEntry = 'token' in credentials
    ? { token: credentials.token }
    : { 'client-certificate-data': b64(credentials.cert), 'client-key-data': b64(credentials.key) };
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kit', cluster: { server, 'certificate-authority-data': b64(caCert) } }],
    users: [{ name: user, user: userEntry }],
    contexts: [{ name: user, context: { cluster: 'kit', user } }],
    'current-context': user,
  };
  // A token is a credential: only its owner may read the file.
  writeFileSync(path, stringify(doc), { mode: 0o600 });
  return path;
}
