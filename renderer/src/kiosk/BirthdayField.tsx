import { daysInMonth, MONTH_NAMES, type BirthdayDraft } from './birthday-input';

interface BirthdayFieldProps {
  value: BirthdayDraft;
  onChange: (value: BirthdayDraft) => void;
  problem: string | null;
}

const MODES = [
  ['none', 'Not given'],
  ['day-month', 'Day and month'],
  ['date', 'Full date'],
] as const;

/** The birthday: not given, day and month only (most people's choice), or the full date. */
export function BirthdayField({ value, onChange, problem }: BirthdayFieldProps) {
  return (
    <div className="k-field">
      <span className="k-field-label" id="k-birthday-label">
        Birthday <span className="k-muted">(optional)</span>
      </span>
      <div className="k-birthday">
        <div className="k-segmented" role="radiogroup" aria-labelledby="k-birthday-label">
          {MODES.map(([mode, label]) => (
            <button
              key={mode}
              type="button"
              role="radio"
              aria-checked={value.mode === mode}
              className={`k-segment${value.mode === mode ? ' is-on' : ''}`}
              data-testid={`birthday-mode-${mode}`}
              onClick={() => onChange({ ...value, mode })}
            >
              {label}
            </button>
          ))}
        </div>
        {value.mode === 'day-month' && (
          <div className="k-birthday-inputs">
            <select
              className="k-input k-select"
              data-testid="enrol-birthday-day"
              aria-label="Day"
              value={value.day ?? ''}
              onChange={(e) => onChange({ ...value, day: e.target.value ? Number(e.target.value) : null })}
            >
              <option value="">Day</option>
              {Array.from({ length: value.month ? daysInMonth(value.month) : 31 }, (_, i) => i + 1).map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
            <select
              className="k-input k-select"
              data-testid="enrol-birthday-month"
              aria-label="Month"
              value={value.month ?? ''}
              onChange={(e) => onChange({ ...value, month: e.target.value ? Number(e.target.value) : null })}
            >
              <option value="">Month</option>
              {MONTH_NAMES.map((name, i) => (
                <option key={name} value={i + 1}>
                  {name}
                </option>
              ))}
            </select>
          </div>
        )}
        {value.mode === 'date' && (
          <div className="k-birthday-inputs">
            <input
              type="date"
              className="k-input"
              data-testid="enrol-birthday-date"
              aria-label="Date of birth"
              value={value.date}
              onChange={(e) => onChange({ ...value, date: e.target.value })}
            />
          </div>
        )}
      </div>
      {problem && <span className="k-field-problem">{problem}</span>}
    </div>
  );
}
