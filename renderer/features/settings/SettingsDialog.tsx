// Settings: the optional base map (XYZ URL or Tianditu key). Off by default; the app needs no network.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, CoreError } from '../../api/client.ts';
import type { ReplicationStatus, Settings } from '../../../shared/model.ts';

/** Modal dialog editing centre settings. */
export function SettingsDialog({ settings, replication, onClose }: { settings: Settings; replication: ReplicationStatus | null; onClose(): void }) {
  const { t } = useTranslation();
  const [b, setB] = useState(settings.baseLayer);
  const [error, setError] = useState<string | null>(null);
  // Off-site replica: the same setting as `cityops serve --replica`, kept in the centre's database (token never shown).
  const [target, setTarget] = useState(replication?.target ?? '');
  const [token, setToken] = useState('');
  // A full copy of the centre's data goes to the target: it is typed twice.
  const [confirmTarget, setConfirmTarget] = useState('');
  const [mode, setMode] = useState<'sync' | 'async'>(replication?.mode ?? 'async');
  const [repMsg, setRepMsg] = useState<string | null>(null);
  const saveReplication = async () => {
    try {
      const st = await call('replication.configure', {
        mode,
        // The current target was confirmed when it was set; a new one must be typed again.
        ...(target.trim() ? { target: target.trim(), confirm: target.trim() === replication?.target ? target.trim() : confirmTarget.trim() } : {}),
        ...(token ? { token } : {}),
      });
      setRepMsg(`${t('settings.saved')} · ${t(`dr.states.${st.state}`)}`);
    } catch (e) {
      setRepMsg(e instanceof CoreError ? e.message : String(e));
    }
  };
  const save = async () => {
    try {
      const clean = {
        kind: b.kind,
        opacity: b.opacity,
        ...(b.kind === 'xyz' ? { url: b.url } : {}),
        ...(b.kind === 'tianditu' ? { tiandituKey: b.tiandituKey, tiandituLayer: b.tiandituLayer ?? 'vec' } : {}),
      };
      await call('settings.set', { baseLayer: clean });
      onClose();
    } catch (e) {
      setError(e instanceof CoreError ? e.message : String(e));
    }
  };
  return (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-label={t('settings.title')} data-testid="settings">
        <h3>{t('settings.title')}</h3>
        <fieldset>
          <legend>{t('settings.baseLayer')}</legend>
          {(['none', 'xyz', 'tianditu'] as const).map((k) => (
            <label key={k} className="row">
              <input type="radio" name="kind" checked={b.kind === k} onChange={() => setB({ ...b, kind: k })} /> {t(`settings.${k}`)}
            </label>
          ))}
          {b.kind === 'xyz' && (
            <label className="col">
              {t('settings.url')}
              <input value={b.url ?? ''} placeholder="https://tiles.example/{z}/{x}/{y}.png" onChange={(e) => setB({ ...b, url: e.target.value })} />
              <small className="muted">{t('settings.gcjWarning')}</small>
            </label>
          )}
          {b.kind === 'tianditu' && (
            <>
              <label className="col">
                {t('settings.key')}
                <input value={b.tiandituKey ?? ''} onChange={(e) => setB({ ...b, tiandituKey: e.target.value.trim() })} />
              </label>
              <label className="row">
                {t('settings.layer')}
                <select value={b.tiandituLayer ?? 'vec'} onChange={(e) => setB({ ...b, tiandituLayer: e.target.value as 'vec' | 'img' })}>
                  <option value="vec">{t('settings.vec')}</option>
                  <option value="img">{t('settings.img')}</option>
                </select>
              </label>
            </>
          )}
          {b.kind !== 'none' && (
            <label className="row">
              {t('settings.opacity')}
              <input type="range" min={0} max={1} step={0.05} value={b.opacity} onChange={(e) => setB({ ...b, opacity: Number(e.target.value) })} />
            </label>
          )}
        </fieldset>
        <fieldset data-testid="replication-settings">
          <legend>{t('dr.configTitle')}</legend>
          <label className="stack">
            {t('dr.target')}
            <input value={target} placeholder="http://dr-host:8732 或 /mnt/dr-share/cityops" onChange={(e) => setTarget(e.target.value)} />
          </label>
          {target.trim() && target.trim() !== (replication?.target ?? '') && (
            <label className="stack">
              {t('dr.confirmTarget')}
              <input data-testid="replica-confirm" value={confirmTarget} onChange={(e) => setConfirmTarget(e.target.value)} />
            </label>
          )}
          <label className="stack">
            {t('dr.token')}
            <input type="password" value={token} onChange={(e) => setToken(e.target.value)} />
          </label>
          <div className="row">
            <label className="row">
              <input type="radio" checked={mode === 'sync'} onChange={() => setMode('sync')} /> {t('dr.sync')}
            </label>
            <label className="row">
              <input type="radio" checked={mode === 'async'} onChange={() => setMode('async')} /> {t('dr.async')}
            </label>
            <button onClick={() => void saveReplication()}>{t('dr.saveReplication')}</button>
          </div>
          {repMsg && <small>{repMsg}</small>}
        </fieldset>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button onClick={onClose}>{t('settings.cancel')}</button>
          <button className="primary" onClick={() => void save()}>
            {t('settings.save')}
          </button>
        </div>
      </div>
    </div>
  );
}
