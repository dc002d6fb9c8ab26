// The packaging hook (scripts/after-pack.mjs) flips the fuses of the binary electron-builder packed. @electron/fuses
// finds the fuse wire by its sentinel in any file, so a file holding a fuse wire in Electron's layout (sentinel,
// version, length, one byte per fuse) stands in for the binary here; the real wire is read back after the hook.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getCurrentFuseWire, FuseV1Options } from '@electron/fuses';
// @ts-expect-error plain ESM hook without types
import afterPack, { fuseConfig } from '../../scripts/after-pack.mjs';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ENABLE = 49; // '1'
const DISABLE = 48; // '0'
const WIRE = 8; // a V1 wire of the eight fuses @electron/fuses 1.8 knows

/** A file with Electron's fuse wire at its defaults (RunAsNode, NODE_OPTIONS, --inspect, file:// privileges on). */
function fakeBinary(file: string): void {
  const defaults = [ENABLE, DISABLE, ENABLE, ENABLE, DISABLE, DISABLE, DISABLE, ENABLE];
  writeFileSync(file, Buffer.concat([Buffer.from('\x7fELF…code…'), Buffer.from(SENTINEL), Buffer.from([1, WIRE, ...defaults]), Buffer.from('…more code')]));
}

/** The fuse states by name after the hook ran on a packed app of a platform. */
async function packed(platform: 'linux' | 'win32'): Promise<Record<string, string>> {
  const appOutDir = mkdtempSync(path.join(os.tmpdir(), 'cityops-pack-'));
  const binary = path.join(appOutDir, platform === 'win32' ? 'CityOps.exe' : 'cityops');
  fakeBinary(binary);
  await afterPack({ appOutDir, electronPlatformName: platform, packager: { executableName: 'cityops', appInfo: { productFilename: 'CityOps' } } });
  const wire = await getCurrentFuseWire(binary);
  const state = (v: unknown) => (v === ENABLE ? 'on' : v === DISABLE ? 'off' : `?${String(v)}`);
  return Object.fromEntries(
    Object.entries(FuseV1Options)
      .filter(([, i]) => typeof i === 'number')
      .map(([name, i]) => [name, state((wire as Record<number, unknown>)[i as number])]),
  );
}

describe('after-pack fuses', () => {
  it('turns off RunAsNode, NODE_OPTIONS, --inspect and file:// privileges, turns on cookie encryption and asar-only (Linux)', async () => {
    expect(await packed('linux')).toEqual({
      RunAsNode: 'off',
      EnableCookieEncryption: 'on',
      EnableNodeOptionsEnvironmentVariable: 'off',
      EnableNodeCliInspectArguments: 'off',
      EnableEmbeddedAsarIntegrityValidation: 'off', // Electron has no asar integrity check on Linux: left as shipped
      OnlyLoadAppFromAsar: 'on',
      LoadBrowserProcessSpecificV8Snapshot: 'off',
      GrantFileProtocolExtraPrivileges: 'off',
    });
  });

  it('also turns on the embedded asar integrity check on Windows', async () => {
    expect((await packed('win32')).EnableEmbeddedAsarIntegrityValidation).toBe('on');
  });

  it('sets exactly these fuses and leaves the rest as shipped', () => {
    const { version, ...fuses } = fuseConfig('win32') as Record<string, unknown>;
    expect(version).toBe('1');
    expect(fuses).toEqual({
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    });
  });

  it('fails the build when the binary has no fuse wire', async () => {
    const appOutDir = mkdtempSync(path.join(os.tmpdir(), 'cityops-pack-'));
    writeFileSync(path.join(appOutDir, 'cityops'), 'not electron');
    await expect(
      afterPack({ appOutDir, electronPlatformName: 'linux', packager: { executableName: 'cityops', appInfo: { productFilename: 'CityOps' } } }),
    ).rejects.toThrow(/sentinel/);
  });
});
