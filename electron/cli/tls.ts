// The TLS options: --tls-cert/--tls-key of the servers (serve, replica) and the CA file of the replica's clients
// (--tls-ca of restore and verify, --replica-ca of serve). PEM files are read and checked here, so a missing,
// unreadable or mismatched file is a clear message before anything listens or connects — not an OpenSSL stack
// trace from deep inside the server, nor a client that fails every request later.
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { isIP } from 'node:net';
import type { ServerTls } from '../core/transport/http.ts';
import { die, str, type Values } from './command.ts';

/** The options of a server that may speak TLS. */
export const TLS_SERVER_OPTIONS = { 'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' } } as const;

/** What a server's usage says about them. */
export const TLS_SERVER_HELP = `--tls-cert FILE --tls-key FILE  serve HTTPS (and wss://) with this PEM certificate (followed by any intermediate
                  CA certificates) and its PEM private key (chmod 600); both or neither. Without them the server
                  speaks plain HTTP, meant for loopback (see docs/tls.md)`;

/** What a replica client's usage says about its CA option. */
export const TLS_CA_HELP = `--tls-ca FILE   for an https:// replica signed by a private CA: the CA's PEM certificate(s); the replica's
                  certificate is always checked (by default against the system's trusted CAs)`;

/** A PEM file's bytes; exits 1 naming the option and the file when it cannot be read or holds no PEM block. */
function readPem(opt: string, file: string): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    return die(`cannot read --${opt} ${file}: ${(e as Error).message}`, 1);
  }
  if (!/-----BEGIN [A-Z0-9 ]+-----/.test(data.toString('latin1'))) die(`--${opt} ${file} is not a PEM file (no -----BEGIN …----- block)`, 1);
  return data;
}

/** The first certificate of a PEM file, parsed; exits 1 when it is not one. */
function certificate(opt: string, file: string, pem: Buffer): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (e) {
    return die(`--${opt} ${file} holds no valid certificate: ${(e as Error).message}`, 1);
  }
}

/** The server's certificate and key from --tls-cert/--tls-key, checked to load and to belong together; undefined when
 * neither is given (plain HTTP). One without the other is a usage error. */
export function serverTls(v: Values): ServerTls | undefined {
  const certFile = str(v, 'tls-cert');
  const keyFile = str(v, 'tls-key');
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    return die(`--tls-cert and --tls-key go together: give the certificate and its private key (or neither, for plain HTTP)`);
  }
  const cert = readPem('tls-cert', certFile);
  const key = readPem('tls-key', keyFile);
  const x509 = certificate('tls-cert', certFile, cert);
  // The server starts unattended: there is nobody to type a passphrase.
  if (key.includes('ENCRYPTED')) die(`--tls-key ${keyFile} is encrypted; give it unencrypted (openssl pkey -in ${keyFile} -out FILE), chmod 600`, 1);
  try {
    // What the server would do at its first handshake, done now: a wrong, encrypted or mismatched key fails here.
    createSecureContext({ cert, key });
  } catch (e) {
    die(`--tls-key ${keyFile} does not go with --tls-cert ${certFile}: ${(e as Error).message}`, 1);
  }
  const now = Date.now();
  if (Date.parse(x509.validTo) < now || Date.parse(x509.validFrom) > now) {
    process.stderr.write(`cityops: warning: the certificate in ${certFile} is valid only from ${x509.validFrom} to ${x509.validTo}; clients will refuse it\n`);
  }
  return { cert, key };
}

/** The CA certificate(s) of --OPT FILE for a replica client, or undefined when not given. */
export function caFile(v: Values, opt: string): Buffer | undefined {
  const file = str(v, opt);
  if (file === undefined) return undefined;
  const pem = readPem(opt, file);
  const ca = certificate(opt, file, pem);
  if (!ca.ca)
    process.stderr.write(`cityops: warning: the certificate in ${file} is not a CA certificate; only a server certificate it signed would be trusted\n`);
  return pem;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** Warns when a server is about to speak plain HTTP beyond this machine: passwords and tokens would cross the network
 * in clear. */
export function warnPlainHttp(host: string, what: string): void {
  if (LOOPBACK.test(host)) return;
  const where = isIP(host) || host === '0.0.0.0' || host === '::' ? host : `"${host}"`;
  process.stderr.write(
    `cityops: warning: ${what} listens on ${where} over plain HTTP: passwords and tokens cross the network in clear; give --tls-cert and --tls-key, or put a TLS reverse proxy in front (docs/tls.md)\n`,
  );
}

/** Warns when the centre would send its data and the replica token to another host over plain HTTP. */
export function warnPlainReplica(target: string): void {
  let host: string;
  try {
    const u = new URL(target);
    if (u.protocol !== 'http:') return;
    host = u.hostname.replace(/^\[|\]$/g, '');
  } catch {
    return; // a folder
  }
  if (LOOPBACK.test(host)) return;
  process.stderr.write(
    `cityops: warning: the replica ${target} is reached over plain HTTP: the data and the replica token cross the network in clear; serve it with --tls-cert/--tls-key and use https:// (docs/tls.md)\n`,
  );
}
