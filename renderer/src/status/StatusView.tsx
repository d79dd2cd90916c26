import type { ReactNode } from 'react';
import type { AgentBridge } from '../../../protocol/bridge';
import { useNow } from '../kiosk/use-now';
import { showPairingForm } from './pairing-attempt';
import { PairingForm } from './PairingForm';
import { readStatusReport, type StatusReport } from './status-report';
import { brokerWords, countWords, lastSyncWords, momentWords, syncStateWords } from './status-view-words';
import { usePairing } from './use-pairing';
import { useStatusPoll } from './use-status-poll';
import './status-view.css';

/** While the view is open the agent is asked this often, so a pairing is seen to go through. */
export const STATUS_VIEW_POLL_MS = 2_000;

interface StatusViewProps {
  bridge: AgentBridge;
  screenId: string;
  /** In the signage's overlay: how to close it again. */
  onClose?: () => void;
}

/** For the store technician: what this store agent is connected to, holds and waits on, and pairing with head office. */
export function StatusView({ bridge, screenId, onClose }: StatusViewProps) {
  const { status, problem, ticket, refresh } = useStatusPoll(bridge, readStatusReport, { intervalMs: STATUS_VIEW_POLL_MS });
  const pairing = usePairing(bridge, status?.sync ?? null, ticket, refresh);
  const now = useNow(10_000);

  return (
    <section className="sv" data-testid="status-view" aria-label="Store status">
      <header className="sv-header">
        <h1 className="sv-title">Store status</h1>
        <span className="sv-screen">
          Screen <code>{screenId}</code>
        </span>
        {onClose && (
          <button type="button" className="sv-button sv-close" data-testid="status-close" onClick={onClose}>
            Close <kbd>Ctrl+Shift+S</kbd>
          </button>
        )}
      </header>
      {problem !== null && (
        <p className="sv-problem" data-testid="status-problem" role="alert">
          The store agent is not answering: {problem}
          {status && ' What follows is what it last said.'}
        </p>
      )}
      {status === null ? (
        problem === null && <p className="sv-waiting">Asking the store agent…</p>
      ) : (
        <div className="sv-grid">
          <HeadOffice status={status} now={now}>
            {showPairingForm(status.sync.state, pairing.attempt) && <PairingForm attempt={pairing.attempt} onSubmit={pairing.submit} />}
          </HeadOffice>
          <Card title="This device">
            <Fact label="Store" testId="store-id">
              <code>{status.storeId ?? '—'}</code>
            </Fact>
            <Fact label="Device" testId="device-id">
              <code>{status.deviceId ?? '—'}</code>
            </Fact>
            <Fact label="Agent started" testId="started-at">
              {status.startedAt ? momentWords(status.startedAt, now) || status.startedAt : '—'}
            </Fact>
          </Card>
          <Card title="Sensors (MQTT broker)">
            <Fact label="Broker" testId="broker-url">
              <code>{status.broker?.url ?? '—'}</code>
              {status.broker?.embedded && <span className="sv-tag">embedded</span>}
            </Fact>
            <BrokerConnected connected={status.broker?.connected ?? null} />
            <Fact label="Messages received" testId="broker-messages">
              {countWords(status.broker?.messagesReceived ?? null)}
            </Fact>
          </Card>
          <Card title="Local data">
            <Fact label="Profiles held locally" testId="profiles" value={status.profiles}>
              {countWords(status.profiles)}
            </Fact>
            <Fact label="Events waiting in the outbox" testId="outbox-pending" value={status.outboxPending}>
              {countWords(status.outboxPending)}
            </Fact>
          </Card>
          <Rejected rows={status.rejected} />
        </div>
      )}
    </section>
  );
}

function Card({ title, wide, children }: { title: string; wide?: boolean; children: ReactNode }) {
  return (
    <section className={`sv-card${wide ? ' is-wide' : ''}`}>
      <h2 className="sv-card-title">{title}</h2>
      {children}
    </section>
  );
}

/** `value`: a count's plain number, in `data-value`, for whoever reads the page by machine. */
function Fact({ label, testId, value, children }: { label: string; testId: string; value?: number | null; children: ReactNode }) {
  return (
    <div className="sv-fact">
      <span className="sv-label">{label}</span>
      <span className="sv-value" data-testid={testId} data-value={value ?? undefined}>
        {children}
      </span>
    </div>
  );
}

function BrokerConnected({ connected }: { connected: boolean | null }) {
  const words = brokerWords(connected);
  return (
    <div className="sv-fact">
      <span className="sv-label">Connected</span>
      <span className={`sv-value sv-tone is-${words.tone}`} data-testid="broker-connected" data-connected={connected === null ? 'unknown' : String(connected)}>
        {words.text}
      </span>
    </div>
  );
}

function HeadOffice({ status, now, children }: { status: StatusReport; now: number; children: ReactNode }) {
  const { sync } = status;
  const words = syncStateWords(sync.state);
  const linked = sync.state !== 'not-configured';
  return (
    <Card title="Head office" wide>
      <div className="sv-fact">
        <span className="sv-label">Link</span>
        <span className={`sv-value sv-tone is-${words.tone}`} data-testid="sync-state" data-state={sync.state ?? 'unknown'}>
          {words.text}
          {sync.state !== null && <code className="sv-raw">{sync.state}</code>}
        </span>
      </div>
      {linked && (
        <>
          <Fact label="Last sync" testId="last-sync">
            {lastSyncWords(sync, now)}
          </Fact>
          <Fact label="Cursor" testId="sync-cursor" value={sync.cursor}>
            {countWords(sync.cursor)}
          </Fact>
          <Fact label="Changes remaining" testId="sync-remaining" value={sync.remaining}>
            {countWords(sync.remaining)}
          </Fact>
          <Fact label="Last error" testId="sync-error">
            {sync.lastError ?? 'None'}
          </Fact>
        </>
      )}
      {children}
    </Card>
  );
}

function Rejected({ rows }: { rows: StatusReport['rejected'] }) {
  const total = rows.reduce((sum, row) => sum + row.count, 0);
  return (
    <Card title={`Rejected input${total > 0 ? `: ${countWords(total)}` : ''}`}>
      {rows.length === 0 ? (
        <p className="sv-none" data-testid="rejected">
          None since the agent started
        </p>
      ) : (
        <table className="sv-table" data-testid="rejected">
          <thead>
            <tr>
              <th scope="col">Reason</th>
              <th scope="col">Count</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.reason} data-reason={row.reason}>
                <td>
                  <code>{row.reason}</code>
                </td>
                <td>{countWords(row.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
