// Module resolution hook: 'electron' → the stand-in module (tests of main-process wiring under plain Node).
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: new URL('./electron.mjs', import.meta.url).href, shortCircuit: true };
  return next(specifier, context);
}
