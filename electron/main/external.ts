// Links the page asks to open in a new window (a case photo's media_url from an Open311 reporter, a base-map
// provider's page) go to the system browser, never into an Electron window. Only plain http(s) URLs without embedded
// credentials are handed to shell.openExternal: other schemes (file:, smb:, a registered app's protocol) could start
// programs or reach local files with the user's rights.

/** The URL to open in the system browser, or null when it must not be opened. */
export function externalUrl(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  if (u.username || u.password) return null;
  return u.href;
}
