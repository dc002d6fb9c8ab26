// Intake (信息收集): the call-taker's form. Channel, caller, callback; location by a map click, an address or a
// component code (which also sets the class and the owner); class, description, photos. Ctrl+Enter registers.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, CoreError } from '../../api/client.ts';
import type { CaseDetail, CaseKind, ChannelInfo, ComponentClass, DuplicateHit, EventClass, GridCell, User } from '../../../shared/model.ts';
import { readPhoto } from './format.ts';
import { FixPhotosInput, fixFilesComplete, readFixPhotos, type FixFiles } from './FixPhotos.tsx';
import { maySelfHandle } from '../../../shared/access.ts';
import { defaultChannel } from '../../../shared/workflow.ts';

export interface IntakeFormProps {
  user: User;
  channels: ChannelInfo[];
  eventClasses: EventClass[];
  componentClasses: ComponentClass[];
  /** Starts a map pick; the callback gets the clicked lon/lat. */
  onPick(fn: (lonLat: [number, number]) => void): void;
  onDone(c: CaseDetail): void;
  onCancel(): void;
}

export function IntakeForm(p: IntakeFormProps) {
  const { t } = useTranslation();
  const [channel, setChannel] = useState(defaultChannel(p.user.role));
  const [kind, setKind] = useState<CaseKind>('event');
  const [classCode, setClassCode] = useState(p.eventClasses[0]?.code ?? '');
  const [componentCode, setComponentCode] = useState('');
  const [point, setPoint] = useState<[number, number] | null>(null);
  const [cell, setCell] = useState<GridCell | null>(null);
  const [address, setAddress] = useState('');
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [callback, setCallback] = useState(false);
  const [description, setDescription] = useState('');
  const [selfHandled, setSelfHandled] = useState(false);
  const [fix, setFix] = useState<FixFiles>({ before: [], after: [] });
  const [files, setFiles] = useState<File[]>([]);
  const [picking, setPicking] = useState(false);
  const [dups, setDups] = useState<DuplicateHit[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);
  const classes = kind === 'event' ? p.eventClasses : p.componentClasses;

  const pick = () => {
    setPicking(true);
    p.onPick(async ([lon, lat]) => {
      setPicking(false);
      setPoint([lon, lat]);
      try {
        setCell(await call('grid.locate', { lon, lat }));
        setError(null);
        // A component case picked on the map: the nearest component of the chosen class (within 15 m) sets the code,
        // and with it the place and the responsible department.
        if (kind === 'component') {
          const c = await call('components.at', { lon, lat, radiusM: 15, classes: classCode ? [classCode] : undefined });
          if (c) setComponentCode(c.code);
        }
      } catch (e) {
        setCell(null);
        setError(e instanceof CoreError ? e.data.message : String(e));
      }
    });
  };

  // Possible duplicates as soon as class and place are known.
  useEffect(() => {
    if (!point || !classCode || componentCode) return setDups([]);
    call('cases.duplicates', { kind, classCode, lon: point[0], lat: point[1] })
      .then(setDups)
      .catch(() => setDups([]));
  }, [point?.[0], point?.[1], classCode, kind, componentCode]);

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!point && !address.trim() && !componentCode.trim()) return setError(t('intake.needLocation'));
    setBusy(true);
    try {
      const photos = files.length ? await Promise.all(files.map(readPhoto)) : undefined;
      const c = await call('cases.intake', {
        channel,
        description: description.trim(),
        ...(componentCode.trim() ? { componentCode: componentCode.trim() } : { kind, classCode }),
        ...(point && !componentCode.trim() ? { lon: point[0], lat: point[1] } : {}),
        ...(address.trim() ? { address: address.trim() } : {}),
        ...(name.trim() ? { reporterName: name.trim() } : {}),
        ...(phone.trim() ? { reporterPhone: phone.trim() } : {}),
        callback,
        photos,
        ...(selfHandled ? { selfHandled, fixPhotos: await readFixPhotos(fix) } : {}),
      });
      p.onDone(c);
    } catch (x) {
      setError(x instanceof CoreError ? `${x.data.message}${x.data.details?.field ? ` (${x.data.details.field})` : ''}` : String(x));
    } finally {
      setBusy(false);
    }
  };
  const publicChannel = p.channels.find((c) => c.code === channel)?.needsVerify;
  return (
    <form
      className="detail intake"
      data-testid="intake-form"
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && e.ctrlKey) void submit();
        if (e.key === 'Escape') p.onCancel();
      }}
    >
      <div className="detail-head">
        <h3>{t('intake.title')}</h3>
        <button type="button" onClick={p.onCancel}>
          {t('intake.cancel')}
        </button>
      </div>
      <label>
        {t('intake.channel')}
        <select ref={first} data-testid="intake-channel" value={channel} onChange={(e) => setChannel(e.target.value)}>
          {p.channels.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      {publicChannel && (
        <div className="row">
          <label>
            {t('intake.callerName')}
            <input data-testid="intake-name" value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            {t('intake.callerPhone')}
            <input data-testid="intake-phone" value={phone} onChange={(e) => setPhone(e.target.value)} />
          </label>
          <label className="check">
            <input type="checkbox" checked={callback} onChange={(e) => setCallback(e.target.checked)} />
            {t('intake.callback')}
          </label>
        </div>
      )}
      <label>
        {t('intake.componentCode')}
        <input
          data-testid="intake-component"
          className="mono"
          value={componentCode}
          onChange={(e) => setComponentCode(e.target.value.replace(/\D/g, '').slice(0, 16))}
          placeholder="3212020101000001"
        />
      </label>
      {!componentCode && (
        <>
          <div className="row">
            <label className="check">
              <input
                type="radio"
                checked={kind === 'event'}
                onChange={() => {
                  setKind('event');
                  setClassCode(p.eventClasses[0]?.code ?? '');
                }}
              />
              {t('intake.event')}
            </label>
            <label className="check">
              <input
                type="radio"
                checked={kind === 'component'}
                onChange={() => {
                  setKind('component');
                  setClassCode(p.componentClasses[0]?.code ?? '');
                }}
              />
              {t('intake.component')}
            </label>
          </div>
          <label>
            {t('intake.class')}
            <select data-testid="intake-class" value={classCode} onChange={(e) => setClassCode(e.target.value)}>
              {classes.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.code} {c.majorName} · {c.name}
                </option>
              ))}
            </select>
          </label>
          <div className="row">
            <button type="button" data-testid="intake-pick" className={picking ? 'active' : ''} onClick={pick}>
              {picking ? t('intake.picking') : t('intake.pickOnMap')}
            </button>
            {cell && (
              <span className="muted small" data-testid="intake-cell">
                {t('intake.located', { cell: `${cell.streetName} ${cell.communityName} ${cell.code}` })}
              </span>
            )}
          </div>
        </>
      )}
      <label>
        {t('intake.address')}
        <input data-testid="intake-address" value={address} onChange={(e) => setAddress(e.target.value)} />
      </label>
      <label>
        {t('intake.description')}
        <textarea data-testid="intake-description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <label>
        {t('intake.photo')}
        <input type="file" accept="image/jpeg,image/png,image/webp" multiple onChange={(e) => setFiles([...(e.target.files ?? [])].slice(0, 4))} />
      </label>
      {maySelfHandle(p.user) && channel === 'supervisor' && (
        <label className="check">
          <input type="checkbox" checked={selfHandled} onChange={(e) => setSelfHandled(e.target.checked)} />
          {t('intake.selfHandled')}
        </label>
      )}
      {selfHandled && channel === 'supervisor' && <FixPhotosInput value={fix} onChange={setFix} />}
      {dups.length > 0 && (
        <div className="dups" data-testid="intake-duplicates">
          {dups.map((d) => (
            <div key={d.id} className="dup">
              <span className="mono">{d.caseNo}</span> {t(`state.${d.status}`)} · {d.distanceM} m · {d.description}
            </div>
          ))}
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button className="primary" data-testid="intake-submit" disabled={busy || !description.trim() || (selfHandled && !fixFilesComplete(fix))}>
          {t('intake.submit')}
        </button>
      </div>
    </form>
  );
}
