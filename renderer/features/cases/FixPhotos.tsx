// Photos of a 自行处置: the problem before the fix and the place after it (one or two each), as the core requires.
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { photo } from '../../../shared/contract/schemas.ts';
import { readPhoto } from './format.ts';

/** The chosen files, before and after. */
export interface FixFiles {
  before: File[];
  after: File[];
}

/** The photos as the contract takes them. */
export async function readFixPhotos(f: FixFiles): Promise<{ before: z.input<typeof photo>[]; after: z.input<typeof photo>[] }> {
  return { before: await Promise.all(f.before.map(readPhoto)), after: await Promise.all(f.after.map(readPhoto)) };
}

/** True when both sides have a photo. */
export const fixFilesComplete = (f: FixFiles) => f.before.length > 0 && f.after.length > 0;

/** Two file inputs: before and after. */
export function FixPhotosInput({ value, onChange }: { value: FixFiles; onChange(v: FixFiles): void }) {
  const { t } = useTranslation();
  const pick = (side: keyof FixFiles) => (e: React.ChangeEvent<HTMLInputElement>) => onChange({ ...value, [side]: [...(e.target.files ?? [])].slice(0, 2) });
  return (
    <div className="row fix-photos">
      <label>
        {t('cases.photoBefore')}
        <input type="file" data-testid="fix-before" accept="image/jpeg,image/png,image/webp" multiple onChange={pick('before')} />
      </label>
      <label>
        {t('cases.photoAfter')}
        <input type="file" data-testid="fix-after" accept="image/jpeg,image/png,image/webp" multiple onChange={pick('after')} />
      </label>
    </div>
  );
}
