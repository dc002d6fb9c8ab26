// Search box: grid code, component code, street or community name → zoom there.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../api/client.ts';
import type { SearchHit } from '../../../shared/model.ts';

/** The header search box with a result list. */
export function SearchBox({ onPick }: { onPick(hit: SearchHit): void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const run = async () => {
    if (!q.trim()) return;
    const r = await call('search.query', { q, limit: 10 });
    setHits(r);
    if (r.length >= 1 && (r.length === 1 || r[0].code === q.trim())) pick(r[0]);
  };
  const pick = (h: SearchHit) => {
    setHits(null);
    onPick(h);
  };
  return (
    <div className="search">
      <input
        data-testid="search-input"
        value={q}
        placeholder={t('search.placeholder')}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void run();
          if (e.key === 'Escape') setHits(null);
        }}
      />
      <button onClick={() => void run()}>{t('search.go')}</button>
      {hits && (
        <ul className="search-hits" data-testid="search-hits">
          {hits.length === 0 && <li className="none">{t('search.none', { q })}</li>}
          {hits.map((h) => (
            <li key={`${h.kind}-${h.code}`}>
              <button onClick={() => pick(h)}>{h.label}</button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
