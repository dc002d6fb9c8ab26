// Preload (sandboxed, context-isolated): exposes the typed bridge window.cityops and nothing else. No logic here.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CALL_CHANNEL, EVENT_CHANNEL, PROGRESS_CHANNEL } from '../../shared/channels.ts';

function listen(channel: string, fn: (payload: unknown) => void): () => void {
  const h = (_e: IpcRendererEvent, payload: unknown) => fn(payload);
  ipcRenderer.on(channel, h);
  return () => ipcRenderer.removeListener(channel, h);
}

contextBridge.exposeInMainWorld('cityops', {
  call: (method: string, input: unknown, token?: string) => ipcRenderer.invoke(CALL_CHANNEL, method, input, token),
  subscribe: (fn: (ev: unknown) => void) => listen(EVENT_CHANNEL, fn),
  onProgress: (fn: (p: unknown) => void) => listen(PROGRESS_CHANNEL, fn),
});
