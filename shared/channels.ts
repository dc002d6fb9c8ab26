// IPC channel names shared by the Electron main process and the preload.

/** Renderer → main → core: one contract call. */
export const CALL_CHANNEL = 'cityops:call';
/** Core → renderer: push events. */
export const EVENT_CHANNEL = 'cityops:event';
/** Main → renderer: first-run seeding progress. */
export const PROGRESS_CHANNEL = 'cityops:progress';
