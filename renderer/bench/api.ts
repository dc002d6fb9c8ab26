// The benchmark pages' calls to the hall server. A refused or failed call stops the page with the error in
// document.body.dataset.benchError (the benchmark script throws it): a figure is never taken from an empty answer.

/** Marks the page failed; scripts/bench waits for either the figures or this. */
export function benchFailed(message: string): never {
  document.body.dataset.benchError = message;
  throw new Error(message);
}
window.addEventListener('error', (e) => {
  document.body.dataset.benchError ??= String(e.message);
});
window.addEventListener('unhandledrejection', (e) => {
  document.body.dataset.benchError ??= String((e.reason as Error)?.message ?? e.reason);
});

async function post(method: string, input: unknown): Promise<Response> {
  // The session of this tab (log in on the app page first, then open the bench page in the same tab).
  const token = sessionStorage.getItem('cityops.token');
  const res = await fetch(`../api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(input),
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    benchFailed(`${method}: HTTP ${res.status} ${body?.error ? `${body.error.code}: ${body.error.message}` : ''}`);
  }
  return res;
}

/** A JSON method's result. */
export async function api<T>(method: string, input: unknown): Promise<T> {
  const body = (await (await post(method, input)).json()) as { ok: boolean; result?: T; error?: { code: string; message: string } };
  if (!body.ok) benchFailed(`${method}: ${body.error?.code}: ${body.error?.message}`);
  return body.result as T;
}

/** A binary method's bytes. */
export async function apiBytes(method: string, input: unknown): Promise<Uint8Array> {
  return new Uint8Array(await (await post(method, input)).arrayBuffer());
}
