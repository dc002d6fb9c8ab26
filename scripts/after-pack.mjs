// electron-builder's afterPack hook (electron-builder.yml): flips the Electron fuses of the packaged binary before it
// is signed. Fuses are bits in the binary itself, so a packaged CityOps cannot be turned back into a general Node
// runtime or debugger by an environment variable or a command-line switch.
import path from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';

/** Platforms on which Electron checks the asar's embedded integrity hash (electron-builder embeds it there). */
const INTEGRITY_PLATFORMS = new Set(['darwin', 'mas', 'win32']);

/**
 * The fuse settings for a platform.
 * @param {string} platform electron-builder's electronPlatformName: linux, win32, darwin or mas
 */
export function fuseConfig(platform) {
  return {
    version: FuseVersion.V1,
    // ELECTRON_RUN_AS_NODE would make the signed binary a plain Node.js for anyone who sets it.
    [FuseV1Options.RunAsNode]: false,
    // NODE_OPTIONS (and NODE_EXTRA_CA_CERTS) could preload code into the main process.
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    // --inspect and SIGUSR1 would open a debugger on the main process (the core's host, with the session tokens).
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    // Cookies and other Chromium stores on disk encrypted with the OS key.
    [FuseV1Options.EnableCookieEncryption]: true,
    // Only app.asar is loaded: no app/ folder placed beside it can replace the code.
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    // The renderer comes from app://, never file://: file:// pages get no more than a browser would give them.
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    // Integrity of app.asar is checked at start where Electron supports it (macOS, Windows); Linux has no check.
    ...(INTEGRITY_PLATFORMS.has(platform) ? { [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true } : {}),
  };
}

/**
 * The Electron binary electron-builder packed (the same naming its own fuse step uses).
 * @param {{ appOutDir: string; electronPlatformName: string; packager: { executableName?: string; appInfo: { productFilename: string } } }} context
 */
export function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName: platform, packager } = context;
  if (platform === 'darwin' || platform === 'mas') return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
  if (platform === 'win32') return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return path.join(appOutDir, packager.executableName ?? packager.appInfo.productFilename);
}

/**
 * The hook.
 * @param {{ appOutDir: string; electronPlatformName: string; packager: { executableName?: string; appInfo: { productFilename: string } } }} context
 */
export default async function afterPack(context) {
  const binary = electronBinaryPath(context);
  await flipFuses(binary, fuseConfig(context.electronPlatformName));
  console.log(`  • fuses flipped  ${path.relative(process.cwd(), binary)}`);
}
