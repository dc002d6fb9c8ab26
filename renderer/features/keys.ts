// Global keyboard shortcuts are single keys: they apply only when the user is not typing in a field and holds no
// modifier (Ctrl/Cmd/Alt combinations belong to the browser, the OS or a field).
export function typingOrModified(e: KeyboardEvent): boolean {
  const tag = (e.target as HTMLElement).tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || e.ctrlKey || e.metaKey || e.altKey;
}
