// The one Content-Security-Policy of the UI, whether the hall server sends it or the desktop's app:// protocol does.
/** Scripts only from the app itself; no plugins, no framing, no form posts elsewhere. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // OpenLayers controls (scale bar) and React style props set inline styles; scripts stay strictly 'self'.
  "style-src 'self' 'unsafe-inline'",
  // Base-map tiles come from the URL the centre configures (XYZ or Tianditu); images only.
  "img-src 'self' data: blob: https: http:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
