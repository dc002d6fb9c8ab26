// Import (upload in chunks with a progress bar, a validation report per row, an adjustable field mapping,
// strict mode, then one commit) and export (any layer, format and CRS, today's or as of a date) of the layers.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, CoreError, subscribe } from '../../api/client.ts';
import { CRS_NAMES } from '../../../shared/crs.ts';
import { FIELD_LABELS } from './ConflictDialog.tsx';
import { GIS_FORMATS, IMPORT_FIELDS, type GisFormat, type ImportLayer, type ImportReport } from '../../../shared/gis.ts';

const CHUNK = 4 * 1024 * 1024; // 4 MB of file per request (≈ 5.4 MB of base64, under the 8 MB limit)
const CRSS = Object.keys(CRS_NAMES) as ('EPSG:4490' | 'EPSG:4326' | 'EPSG:3857' | 'EPSG:4549' | 'EPSG:4528' | 'EPSG:2385')[];
type Crs = (typeof CRSS)[number];

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function ImportExportDialog({ canImport, onClose, onToast }: { canImport: boolean; onClose(): void; onToast(m: string): void }) {
  const { t } = useTranslation();
  const [layer, setLayer] = useState<ImportLayer>('components');
  const [file, setFile] = useState<File | null>(null);
  const [uploadId, setUploadId] = useState<string | null>(null);
  const [sent, setSent] = useState(0);
  const [crs, setCrs] = useState<Crs | ''>('');
  const [mapping, setMapping] = useState<Record<string, string> | undefined>(undefined);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [strict, setStrict] = useState(false);
  const [phase, setPhase] = useState<{ text: string; done: number; total: number } | null>(null);
  const [busy, setBusy] = useState(false);
  /** The export's own state, apart from the import's: running, or the name of the file it last saved. */
  const [exported, setExported] = useState<{ running: true } | { file: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Export
  const [xLayer, setXLayer] = useState<ImportLayer>('components');
  const [format, setFormat] = useState<GisFormat>('gpkg');
  const [xCrs, setXCrs] = useState<Crs | ''>('');
  const [xClass, setXClass] = useState('');
  const [xAsOf, setXAsOf] = useState('');

  useEffect(
    () =>
      subscribe((ev) => {
        // The core pushes its phases while it works (reading, checking every 20,000 rows, writing).
        if (ev.type === 'import.progress' && ev.payload.uploadId === uploadId) {
          setPhase({ text: t(`io.phases.${ev.payload.phase}`, ev.payload), done: ev.payload.done, total: Math.max(1, ev.payload.total) });
        }
      }),
    [uploadId],
  );

  const upload = async (): Promise<string> => {
    if (uploadId) return uploadId;
    let id: string | undefined;
    for (let off = 0; off < file!.size || off === 0; off += CHUNK) {
      const bytes = new Uint8Array(await file!.slice(off, off + CHUNK).arrayBuffer());
      const r = await call('import.upload', { uploadId: id, name: file!.name, offset: off, data: base64(bytes) });
      id = r.uploadId;
      setSent(r.bytes);
      if (file!.size === 0) break;
    }
    setUploadId(id!);
    return id!;
  };
  const run = async (apply: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const id = await upload();
      const input = { uploadId: id, layer, ...(crs ? { crs } : {}), ...(mapping ? { mapping } : {}) };
      const r = apply ? await call('import.apply', { ...input, strict }) : await call('import.preview', input);
      setReport(r);
      if (!mapping) setMapping(r.mapping);
      if (apply) onToast(r.commitId ? t('io.applied', { id: r.commitId }) : t('io.nothing'));
    } catch (e) {
      const rep = (e as CoreError).data?.details?.report as ImportReport | undefined;
      if (rep) setReport(rep);
      setError((e as Error).message);
    } finally {
      setBusy(false);
      setPhase(null);
    }
  };
  const download = async () => {
    setExported({ running: true });
    setError(null);
    try {
      const bytes = await call('export.file', {
        layer: xLayer,
        format,
        ...(xCrs ? { crs: xCrs } : {}),
        ...(xClass ? { classCode: xClass } : {}),
        ...(xAsOf ? { asOf: new Date(xAsOf).toISOString() } : {}),
      });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([bytes as BlobPart]));
      a.download = `${xLayer}.${format === 'shp' ? 'zip' : format}`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      setExported({ file: a.download });
    } catch (e) {
      setExported(null);
      setError((e as Error).message);
    }
  };

  const pct = file && file.size ? Math.round((sent / file.size) * 100) : 0;
  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="modal wide" role="dialog" aria-modal="true" data-testid="io-dialog">
        <div className="detail-head">
          <h3>{t('io.title')}</h3>
          <button onClick={onClose} aria-label={t('panel.close')}>
            ×
          </button>
        </div>
        {canImport && (
          <fieldset>
            <legend>{t('edit.import')}</legend>
            <label>
              {t('io.layer')}{' '}
              <select
                value={layer}
                onChange={(e) => {
                  setLayer(e.target.value as ImportLayer);
                  setMapping(undefined);
                  setReport(null);
                }}
              >
                <option value="components">{t('io.components')}</option>
                <option value="grid">{t('io.grid')}</option>
              </select>
            </label>
            <label>
              {t('io.file')}{' '}
              <input
                type="file"
                data-testid="import-file"
                accept=".geojson,.json,.zip,.gpkg,.csv"
                onChange={(e) => {
                  setFile(e.target.files?.[0] ?? null);
                  setUploadId(null);
                  setSent(0);
                  setMapping(undefined);
                  setReport(null);
                }}
              />
            </label>
            <label>
              {t('io.crs')}{' '}
              <select value={crs} onChange={(e) => setCrs(e.target.value as Crs | '')}>
                <option value="">{t('io.crsAuto')}</option>
                {CRSS.map((c) => (
                  <option key={c} value={c}>
                    {c} {CRS_NAMES[c]}
                  </option>
                ))}
              </select>
            </label>
            {file && <progress data-testid="upload-progress" max={100} value={pct} />} {busy && pct < 100 && t('io.uploading', { pct })}
            {busy && phase && (
              <>
                <progress data-testid="import-progress" max={phase.total} value={phase.done} /> {phase.text}
              </>
            )}
            {report && mapping && (
              <details open>
                <summary>{t('io.mapping')}</summary>
                <table className="mapping">
                  <tbody>
                    {IMPORT_FIELDS[layer].map((f) => (
                      <tr key={f}>
                        <th>{FIELD_LABELS[f] ? `${t(FIELD_LABELS[f])} (${f})` : f}</th>
                        <td>
                          <select
                            data-testid={`map-${f}`}
                            value={mapping[f] ?? ''}
                            onChange={(e) => {
                              const m = { ...mapping };
                              if (e.target.value) m[f] = e.target.value;
                              else delete m[f];
                              setMapping(m);
                            }}
                          >
                            <option value="">—</option>
                            {report.columns.map((c) => (
                              <option key={c}>{c}</option>
                            ))}
                          </select>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            )}
            <label>
              <input type="checkbox" checked={strict} onChange={(e) => setStrict(e.target.checked)} /> {t('io.strict')}
            </label>
            <div className="row">
              <button data-testid="import-preview" disabled={!file || busy} onClick={() => void run(false)}>
                {t('io.preview')}
              </button>
              <button data-testid="import-apply" className="primary" disabled={!file || busy || !report} onClick={() => void run(true)}>
                {t('io.apply')}
              </button>
            </div>
            {report && (
              <div data-testid="import-report">
                <p>
                  {report.format} · {report.crs} ({report.crsFrom}){report.encoding ? ` · ${report.encoding}` : ''} ·{' '}
                  {t('io.counts', { rows: report.rows, ...report.counts })}
                </p>
                {report.commitId && <p className="ok">{t('io.applied', { id: report.commitId })}</p>}
                <table className="log small">
                  <tbody>
                    {report.problems.slice(0, 300).map((p, k) => (
                      <tr key={k} className={`sev-${p.severity}`}>
                        <td>
                          {t('io.row')} {p.row}
                        </td>
                        <td className="mono">{p.code ?? ''}</td>
                        <td>{t(`edit.severity.${p.severity}`)}</td>
                        <td>{p.field}</td>
                        <td>{p.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {report.problems.length > 300 || report.more ? (
                  <p className="muted small">{t('io.more', { n: report.more + Math.max(0, report.problems.length - 300) })}</p>
                ) : null}
              </div>
            )}
          </fieldset>
        )}
        <fieldset>
          <legend>{t('edit.export')}</legend>
          <label>
            {t('io.layer')}{' '}
            <select value={xLayer} onChange={(e) => setXLayer(e.target.value as ImportLayer)}>
              <option value="components">{t('io.components')}</option>
              <option value="grid">{t('io.grid')}</option>
            </select>
          </label>
          <label>
            {t('io.format')}{' '}
            <select data-testid="export-format" value={format} onChange={(e) => setFormat(e.target.value as GisFormat)}>
              {GIS_FORMATS.map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
          </label>
          <label>
            {t('io.crs')} {/* Each system once: the format's default is selected until another is chosen. */}
            <select value={xCrs || (format === 'geojson' ? 'EPSG:4326' : 'EPSG:4490')} onChange={(e) => setXCrs(e.target.value as Crs)}>
              {CRSS.map((c) => (
                <option key={c} value={c}>
                  {c} {CRS_NAMES[c]}
                </option>
              ))}
            </select>
          </label>
          {xLayer === 'components' && (
            <label>
              {t('io.class')} <input value={xClass} maxLength={4} pattern="\d{4}" onChange={(e) => setXClass(e.target.value)} />
            </label>
          )}
          <label>
            {t('io.asOf')} <input type="datetime-local" value={xAsOf} onChange={(e) => setXAsOf(e.target.value)} />
          </label>
          <button data-testid="export-download" disabled={busy || (!!exported && 'running' in exported)} onClick={() => void download()}>
            {t('io.download')}
          </button>{' '}
          <span data-testid="export-status" role="status">
            {exported && ('running' in exported ? t('io.exporting') : t('io.exported', { file: exported.file }))}
          </span>
        </fieldset>
        {error && (
          <p className="error" role="alert" data-testid="io-error">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}
