// Authenticity of the shipped history. The hash chain proves that entries follow one another unchanged; it does not
// prove who wrote them — anyone who can write a replica folder can build a consistent forged chain. So the centre
// signs what it ships with an Ed25519 key the replica never holds: the chain head at the end of every batch (which,
// through the chain, covers every entry before it) and every snapshot's metadata (which covers the file through its
// SHA-256). Verify and restore check the signatures against the centre's public key, which the DR operator pins
// (cityops signing-key prints it, with a fingerprint to read out over the phone).
import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/** A signature of the chain head at a sequence. */
export interface ChainSignature {
  seq: number;
  hash: string;
  /** The signing key's fingerprint. */
  key: string;
  /** Ed25519 signature, base64. */
  value: string;
}

/** A snapshot's signature. */
export interface SnapshotSignature {
  key: string;
  value: string;
}

/** What of a snapshot's metadata is signed. */
export interface SignedSnapshotFields {
  seq: number;
  hash: string;
  at: number;
  sha256: string;
  bytes: number;
  schemaVersion: number;
}

const headMessage = (seq: number, hash: string) => Buffer.from(`cityops-chain-v1\n${seq}\n${hash}`);
const snapshotMessage = (m: SignedSnapshotFields) =>
  Buffer.from(`cityops-snapshot-v1\n${m.seq}\n${m.hash}\n${m.at}\n${m.sha256}\n${m.bytes}\n${m.schemaVersion}`);

/** A key's fingerprint: SHA-256 of its public key (SPKI DER), hex, in groups of four for reading aloud. */
export function fingerprint(publicKey: KeyObject): string {
  const hex = createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 32);
  return hex.match(/.{4}/g)!.join(':');
}

/** A new key pair as PEM text (PKCS#8 private, SPKI public). */
export function newSigningKey(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Reads a public key (PEM); throws a message naming what is wrong. */
export function publicKeyFrom(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (e) {
    throw new Error(`not a public key (PEM): ${(e as Error).message}`, { cause: e });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the signing key is Ed25519; this one is ${key.asymmetricKeyType}`);
  return key;
}

/** Signs with the centre's private key. */
export class ChainSigner {
  readonly key: string;
  readonly publicKey: KeyObject;

  constructor(private readonly privateKeyPem: string) {
    this.publicKey = createPublicKey(privateKeyPem);
    this.key = fingerprint(this.publicKey);
  }

  /** The signature of the chain head at seq (the last entry of a batch). */
  head(seq: number, hash: string): ChainSignature {
    return { seq, hash, key: this.key, value: sign(null, headMessage(seq, hash), this.privateKeyPem).toString('base64') };
  }

  /** The signature of a snapshot's metadata. */
  snapshot(m: SignedSnapshotFields): SnapshotSignature {
    return { key: this.key, value: sign(null, snapshotMessage(m), this.privateKeyPem).toString('base64') };
  }
}

/** Why a chain head's signature does not prove it came from the key's holder, or null when it does. */
export function headProblem(pub: KeyObject, sig: ChainSignature | undefined, seq: number, hash: string): string | null {
  if (!sig) return 'not signed';
  if (sig.seq !== seq || sig.hash !== hash) return `the signature covers sequence ${sig.seq}, not its last entry ${seq}`;
  if (sig.key !== fingerprint(pub)) return `signed with key ${sig.key}, not the centre's ${fingerprint(pub)}`;
  return verify(null, headMessage(seq, hash), pub, Buffer.from(sig.value, 'base64')) ? null : 'the signature does not match (forged or changed)';
}

/** Why a snapshot's signature does not prove its metadata, or null when it does. */
export function snapshotProblem(pub: KeyObject, m: SignedSnapshotFields & { sig?: SnapshotSignature }): string | null {
  if (!m.sig) return 'not signed';
  if (m.sig.key !== fingerprint(pub)) return `signed with key ${m.sig.key}, not the centre's ${fingerprint(pub)}`;
  return verify(null, snapshotMessage(m), pub, Buffer.from(m.sig.value, 'base64')) ? null : 'the signature does not match (forged or changed)';
}
