// Chromium permissions of the window. Electron grants every permission by default; CityOps denies all of them but
// one: desktop notifications, which the workspace shows for new alerts (renderer/workspace/useWorkspaceData.ts), and
// only for the app's own origin. No camera, microphone, geolocation (locations come from the map), clipboard
// reading, MIDI, HID, serial or USB. The check handler answers the synchronous queries (Notification.permission,
// navigator.permissions.query); the request handler answers the prompts.
import { isAppOrigin } from './appProtocol.ts';

/** The permissions the app uses. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications']);

/** Whether a permission is granted to a page of the given origin or URL. */
export function permissionAllowed(permission: string, originOrUrl: string | null | undefined): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && !!originOrUrl && isAppOrigin(originOrUrl);
}

/** session.setPermissionCheckHandler's handler. */
export function checkPermission(_wc: unknown, permission: string, requestingOrigin: string): boolean {
  return permissionAllowed(permission, requestingOrigin);
}

/** session.setPermissionRequestHandler's handler. */
export function requestPermission(
  wc: { getURL(): string } | null,
  permission: string,
  callback: (granted: boolean) => void,
  details?: { requestingUrl?: string },
): void {
  callback(permissionAllowed(permission, details?.requestingUrl ?? wc?.getURL()));
}
