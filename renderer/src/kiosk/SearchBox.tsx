import type { SearchState } from './use-search';
import { tierLabel } from './names';

interface SearchBoxProps {
  text: string;
  onText: (text: string) => void;
  search: SearchState;
  onPick: (profileId: string) => void;
}

const MATCHED: Record<string, string> = { name: 'name', phone: 'phone', loyalty: 'card no.' };

/** "Find someone": by name, the end of a phone number or a loyalty number. */
export function SearchBox({ text, onText, search, onPick }: SearchBoxProps) {
  const open = text.trim().length > 0;
  return (
    <section className="k-search" aria-label="Find a customer">
      <div className="k-search-field">
        <input
          type="search"
          className="k-input k-search-input"
          data-testid="search"
          placeholder="Find a customer"
          aria-label="Find a customer by name, phone or card number"
          autoComplete="off"
          spellCheck={false}
          maxLength={64}
          value={text}
          onChange={(e) => onText(e.target.value)}
        />
        {open && (
          <button type="button" className="k-icon-button k-search-clear" aria-label="Clear search" onClick={() => onText('')}>
            ✕
          </button>
        )}
      </div>
      {open && (
        <div className="k-search-results" aria-live="polite">
          {search.query === null && !search.searching && <p className="k-empty-note">Type at least 2 characters.</p>}
          {search.searching && search.hits.length === 0 && <p className="k-empty-note">Searching…</p>}
          {search.problem && <p className="k-inline-problem">Search failed: {search.problem}</p>}
          {search.query !== null && !search.searching && !search.problem && search.hits.length === 0 && (
            <p className="k-empty-note">No customer matches “{search.query}”.</p>
          )}
          {search.hits.length > 0 && (
            <ul className="k-hit-list">
              {search.hits.map((hit) => (
                <li key={hit.profileId}>
                  <button
                    type="button"
                    className="k-hit"
                    data-testid="search-hit"
                    data-profile-id={hit.profileId}
                    onClick={() => onPick(hit.profileId)}
                  >
                    <span className="k-hit-name">{hit.displayName}</span>
                    <span className="k-hit-meta">
                      {hit.tier && <span className="k-tier">{tierLabel(hit.tier)}</span>}
                      {hit.maskedPhone && <span>{hit.maskedPhone}</span>}
                      <span className="k-hit-matched">matched {MATCHED[hit.matched] ?? hit.matched}</span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
