// The form an action opens: only the inputs the action carries (the contract's schema of it), Enter submits.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { RULES, type CaseAction } from '../../../shared/workflow.ts';
import { actionFields } from '../../../shared/contract/cases.ts';
import { LIMIT_UNITS, type LimitUnit } from '../../../shared/calendar.ts';
import type { CaseDetail as Detail, Department, DuplicateHit } from '../../../shared/model.ts';
import { readPhoto } from './format.ts';
import { FixPhotosInput, fixFilesComplete, readFixPhotos, type FixFiles } from './FixPhotos.tsx';

export interface ActionFormProps {
  action: CaseAction;
  c: Detail;
  departments: Department[];
  dups: DuplicateHit[];
  busy: boolean;
  onCancel(): void;
  onSubmit(extra: Record<string, unknown>): void;
}

/** The inputs an action needs; Enter submits (Ctrl+Enter inside a text area), Escape cancels. */
export function ActionForm({ action, c, departments, dups, busy, onCancel, onSubmit }: ActionFormProps) {
  const { t } = useTranslation();
  const level2 = useMemo(() => departments.filter((d) => d.level === 2), [departments]);
  const children = useMemo(() => departments.filter((d) => d.parent === c.assigneeDept), [departments, c.assigneeDept]);
  const [reason, setReason] = useState('');
  const [dept, setDept] = useState(action === 'subDispatch' ? (children[0]?.code ?? '') : (c.suggestedDept ?? c.deptCode ?? level2[0]?.code ?? ''));
  const [result, setResult] = useState('');
  const [passed, setPassed] = useState(true);
  const [value, setValue] = useState(c.extensionRequest?.value ?? 1);
  const [unit, setUnit] = useState<LimitUnit>(c.extensionRequest?.unit ?? 'work_day');
  const [mergeInto, setMergeInto] = useState(dups[0]?.id ?? 0);
  const [files, setFiles] = useState<File[]>([]);
  const [fix, setFix] = useState<FixFiles>({ before: [], after: [] });
  const [err, setErr] = useState<string | null>(null);
  const first = useRef<HTMLElement | null>(null);
  useEffect(() => first.current?.focus(), []);
  // What the action carries is the contract's schema of it; whether it needs a reason is the workflow's table.
  const fields = actionFields(action);
  const needs = {
    reason: !!RULES[action].needsReason,
    dept: 'dept' in fields,
    result: 'result' in fields,
    passed: 'passed' in fields,
    extension: 'extension' in fields,
    merge: 'mergeInto' in fields,
    photos: 'photos' in fields,
    fix: 'before' in fields && 'after' in fields,
  };
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    try {
      const extra: Record<string, unknown> = {};
      if (needs.reason || reason.trim()) extra.reason = reason.trim();
      if (needs.dept) extra.dept = dept;
      if (needs.result) extra.result = result.trim();
      if (needs.passed) extra.passed = passed;
      if (needs.extension) extra.extension = { value: Number(value), unit };
      if (needs.merge) extra.mergeInto = Number(mergeInto);
      if (files.length) extra.photos = await Promise.all(files.map(readPhoto));
      if (needs.fix) Object.assign(extra, await readFixPhotos(fix));
      onSubmit(extra);
    } catch (x) {
      setErr((x as Error).message);
    }
  };
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') onCancel();
    // Inputs submit natively on Enter; a select submits on Enter, a text area on Ctrl+Enter.
    const tag = (e.target as HTMLElement).tagName;
    if (e.key === 'Enter' && ((tag === 'TEXTAREA' && e.ctrlKey) || tag === 'SELECT')) void submit(e as unknown as FormEvent);
  };
  const options = action === 'subDispatch' ? children : level2;
  return (
    <form className="action-form" data-testid="action-form" onSubmit={(e) => void submit(e)} onKeyDown={onKey}>
      <h4>{t(`action.${action}`)}</h4>
      {needs.dept && (
        <label>
          {t('cases.target')}
          <select
            data-testid="form-dept"
            ref={(el) => {
              if (el && !first.current) first.current = el;
            }}
            value={dept}
            onChange={(e) => setDept(e.target.value)}
          >
            {options.map((d) => (
              <option key={d.code} value={d.code}>
                {d.name}
                {d.code === c.suggestedDept ? t('cases.suggested') : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      {needs.passed && (
        <div className="row">
          <label className="check">
            <input type="radio" checked={passed} onChange={() => setPassed(true)} />
            {action === 'verify' ? t('cases.yes') : t('cases.passed')}
          </label>
          <label className="check">
            <input type="radio" data-testid="form-failed" checked={!passed} onChange={() => setPassed(false)} />
            {action === 'verify' ? t('cases.no') : t('cases.failed')}
          </label>
        </div>
      )}
      {needs.result && (
        <label>
          {t('cases.result')}
          <textarea
            data-testid="form-result"
            ref={(el) => {
              if (el && !first.current) first.current = el;
            }}
            value={result}
            onChange={(e) => setResult(e.target.value)}
            rows={3}
          />
        </label>
      )}
      {needs.extension && (
        <div className="row">
          <label>
            {t('cases.value')}
            <input type="number" min={0.5} step={0.5} value={value} onChange={(e) => setValue(Number(e.target.value))} />
          </label>
          <label>
            {t('cases.unit')}
            <select value={unit} onChange={(e) => setUnit(e.target.value as LimitUnit)}>
              {LIMIT_UNITS.map((u) => (
                <option key={u} value={u}>
                  {t(`units.${u}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      {needs.merge && (
        <label>
          {t('cases.mergeInto')}
          <select value={mergeInto} onChange={(e) => setMergeInto(Number(e.target.value))}>
            {dups.map((d) => (
              <option key={d.id} value={d.id}>
                {d.caseNo} · {d.distanceM} m
              </option>
            ))}
          </select>
        </label>
      )}
      {(needs.reason || action === 'urge') && (
        <label>
          {t('cases.reason')}
          <textarea
            data-testid="form-reason"
            ref={(el) => {
              if (el && !first.current) first.current = el;
            }}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            rows={2}
          />
        </label>
      )}
      {needs.photos && (
        <label>
          {t('cases.addPhoto')}
          <input type="file" accept="image/jpeg,image/png,image/webp" multiple onChange={(e) => setFiles([...(e.target.files ?? [])].slice(0, 4))} />
        </label>
      )}
      {needs.fix && <FixPhotosInput value={fix} onChange={setFix} />}
      {err && <p className="error">{err}</p>}
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t('cases.cancel')}
        </button>
        <button
          className="primary"
          data-testid="form-submit"
          disabled={
            busy || (needs.reason && !reason.trim()) || (needs.result && !result.trim()) || (needs.dept && !dept) || (needs.fix && !fixFilesComplete(fix))
          }
        >
          {t('cases.submit')}
        </button>
      </div>
    </form>
  );
}
