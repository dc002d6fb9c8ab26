/** True when this browser gives us a WebGL context (old or virtual GPUs often do not). */
export function hasWebGL(): boolean {
  if (new URLSearchParams(location.search).get('renderer') === 'canvas') return false;
  try {
    const c = document.createElement('canvas');
    return !!(c.getContext('webgl2') || c.getContext('webgl'));
  } catch {
    return false;
  }
}
