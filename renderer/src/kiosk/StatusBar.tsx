import type { AgentStatusState } from './use-agent-status';
import { statusWords } from './status-words';

interface StatusBarProps {
  agent: AgentStatusState;
  screenName: string;
  scannerReady: boolean;
  /** Set-up trouble worth a word, e.g. this screen is configured as signage. */
  notice: string | null;
}

/** The bottom line: is the store online, is anything waiting to upload, is the scanner listening. */
export function StatusBar({ agent, screenName, scannerReady, notice }: StatusBarProps) {
  const words = statusWords(agent.status, agent.problem);
  return (
    <footer className={`k-status is-${words.tone}`} data-testid="kiosk-status" data-tone={words.tone}>
      <span className="k-status-main" role="status">
        <span className="k-status-dot" aria-hidden="true" />
        <strong>{words.label}</strong>
        {words.pending !== null && (
          <span>
            {' — '}
            <span data-testid="outbox-pending">{words.pending}</span> {words.pendingWords}
          </span>
        )}
      </span>
      {words.detail && <span className="k-status-detail">{words.detail}</span>}
      {notice && <span className="k-status-notice">{notice}</span>}
      <span className="k-status-side">
        <span className={scannerReady ? 'k-scanner-ready' : 'k-scanner-waiting'}>{scannerReady ? 'Scanner ready' : 'Scanner starting…'}</span>
        <span>{screenName}</span>
      </span>
    </footer>
  );
}
