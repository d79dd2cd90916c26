import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import type { AgentBridge, AgentRequestArgs } from '../../../protocol/bridge';
import type { Product } from '../../../protocol/kiosk';
import { useKeyboardWedge } from '../scanner/use-keyboard-wedge';
import { useScreenSettings } from '../signage/use-screen-settings';
import { CatalogueGrid } from './CatalogueGrid';
import { CustomerPanel } from './CustomerPanel';
import { EnrolForm } from './EnrolForm';
import { INITIAL_SESSION, panelProfileId, sessionReducer } from './kiosk-session';
import { fullName } from './names';
import { draftReducer, EMPTY_DRAFT, holdsUsualOrder, lineKey, priceDraft, type PricedDraftLine } from './order-draft';
import { OrderEditor } from './OrderEditor';
import { OrderToast } from './OrderToast';
import { PresentList } from './PresentList';
import { problemWords } from './problem-words';
import { SearchBox } from './SearchBox';
import { StatusBar } from './StatusBar';
import { UnknownCard } from './UnknownCard';
import { useAgentStatus } from './use-agent-status';
import { useCatalogue } from './use-catalogue';
import { useConfirmOrder } from './use-confirm-order';
import { useLinkScanned } from './use-link-scanned';
import { useNow } from './use-now';
import { usePresent } from './use-present';
import { useSearch } from './use-search';
import { useStaffId } from './use-staff-id';
import './kiosk.css';

/** A scan problem stays this long unless the next scan replaces it: long enough to read, not so long it is mistaken for the next one's. */
const SCAN_ERROR_MS = 12_000;

/**
 * The staff kiosk at the till: who is at the counter (left), the customer and the menu
 * (middle), the order (right), the agent's health (bottom). Scans are heard everywhere,
 * even while staff type in a field.
 */
export function KioskScreen({ bridge, screenId }: { bridge: AgentBridge; screenId: string }) {
  const { settings, problem: settingsProblem } = useScreenSettings(bridge, screenId);
  const currency = settings?.currency ?? null;
  const now = useNow(15_000);
  const present = usePresent(bridge, screenId);
  const catalogue = useCatalogue(bridge, screenId);
  const agent = useAgentStatus(bridge);
  const [searchText, setSearchText] = useState('');
  const search = useSearch(bridge, screenId, searchText);
  const [staffId, setStaffId] = useStaffId();

  const [session, dispatchSession] = useReducer(sessionReducer, INITIAL_SESSION);
  const [draft, dispatchDraft] = useReducer(draftReducer, EMPTY_DRAFT);
  const [expandedKey, setExpandedKey] = useState<string | null>(null);

  useKeyboardWedge({
    bridge,
    screenId,
    settings: settings?.scanner ?? null,
    onOutcome: (code, outcome) => dispatchSession({ type: 'scanned', code, outcome, at: Date.now() }),
    onError: (_code, error) => dispatchSession({ type: 'scan-failed', message: `Card not checked: ${problemWords(error)}` }),
  });

  useEffect(() => dispatchSession({ type: 'tick', now }), [now]);

  useEffect(() => {
    if (session.scanError === null) return;
    const timer = setTimeout(() => dispatchSession({ type: 'dismiss-scan-error' }), SCAN_ERROR_MS);
    return () => clearTimeout(timer);
  }, [session.scanError]);

  const loadingProfileId = session.panel.kind === 'loading' ? session.panel.profileId : null;
  useEffect(() => {
    if (loadingProfileId === null) return;
    bridge.request('kiosk.card', { screenId, profileId: loadingProfileId }).then(
      (card) => dispatchSession({ type: 'card-loaded', card }),
      (error: unknown) => dispatchSession({ type: 'card-failed', profileId: loadingProfileId, message: problemWords(error) }),
    );
  }, [bridge, screenId, loadingProfileId]);

  // The order follows the card on screen: a newly opened customer brings their usual order.
  const openCard = session.panel.kind === 'card' ? session.panel.card : null;
  useEffect(() => {
    if (openCard) dispatchDraft({ type: 'open-customer', card: openCard });
  }, [openCard]);

  const priced = useMemo(() => priceDraft(draft, catalogue.products), [draft, catalogue.products]);

  const openProfile = useCallback((profileId: string) => {
    dispatchSession({ type: 'open', profileId });
    setSearchText('');
  }, []);

  const closeCustomer = (): void => {
    dispatchSession({ type: 'close' });
    dispatchDraft({ type: 'clear' });
    setExpandedKey(null);
  };

  const addProduct = (product: Product): void => {
    dispatchDraft({ type: 'add', sku: product.sku });
    // A new drink usually needs its milk or shot chosen next, so its options open.
    setExpandedKey(product.modifiers.length > 0 ? lineKey(product.sku, []) : null);
  };

  const toggleModifier = (line: PricedDraftLine, modifierId: string): void => {
    dispatchDraft({ type: 'toggle-modifier', key: line.key, modifierId });
    const modifiers = line.modifiers.includes(modifierId) ? line.modifiers.filter((m) => m !== modifierId) : [...line.modifiers, modifierId];
    setExpandedKey(lineKey(line.sku, modifiers));
  };

  const link = useLinkScanned(bridge, screenId, session, openCard, dispatchSession);
  const order = useConfirmOrder(bridge, screenId, staffId, () => {
    dispatchDraft({ type: 'clear' });
    dispatchSession({ type: 'order-confirmed' });
    setExpandedKey(null);
    setSearchText('');
  });

  const enrol = async (args: AgentRequestArgs<'kiosk.enrol'>): Promise<void> => {
    const card = await bridge.request('kiosk.enrol', args);
    dispatchSession({ type: 'card-replaced', card, linkedCode: args.link.scannedCode ?? null });
  };

  const activeKey = useMemo(() => {
    const profileId = panelProfileId(session.panel);
    const beaconId = session.panel.kind === 'enrol' ? session.panel.beaconId : null;
    return present.customers.find((c) => (profileId && c.profileId === profileId) || (beaconId && c.beaconId === beaconId))?.key ?? null;
  }, [present.customers, session.panel]);

  const unknownCard = session.pendingCode && session.panel.kind !== 'enrol' && (
    <UnknownCard
      code={session.pendingCode.code}
      customerName={openCard ? fullName(openCard) : null}
      linking={link.linking}
      linkProblem={link.problem}
      onLink={openCard ? () => void link.run() : null}
      onEnrol={() => dispatchSession({ type: 'enrol', beaconId: null })}
      onDismiss={() => dispatchSession({ type: 'dismiss-code' })}
    />
  );

  const offer = openCard?.offers.find((o) => o.id === draft.offerId) ?? null;

  return (
    // data-scanner says when scans are being listened for: until the settings arrive there is no detector.
    <div className="kiosk" data-testid="kiosk" data-screen-id={screenId} data-scanner={settings ? 'ready' : 'waiting'}>
      <header className="k-header">
        <div className="k-brand">
          <span className="k-brand-mark" aria-hidden="true" />
          <span className="k-brand-name">{settings?.name ?? 'Counter'}</span>
        </div>
        <p className="k-header-hint">{settings ? 'Scan a loyalty card at any time' : `Waiting for the store agent${settingsProblem ? `: ${settingsProblem}` : '…'}`}</p>
        <time className="k-clock">{new Date(now).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>
      </header>

      <div className="k-body">
        <aside className="k-left">
          <SearchBox text={searchText} onText={setSearchText} search={search} onPick={openProfile} />
          <PresentList
            customers={present.customers}
            problem={present.problem}
            now={now}
            activeKey={activeKey}
            onOpenCard={openProfile}
            onEnrolVisitor={(beaconId) => dispatchSession({ type: 'enrol', beaconId })}
          />
        </aside>

        <main className="k-center">
          {session.scanError && (
            <div className="k-scan-error" data-testid="scan-error" role="alert">
              <span>{session.scanError}</span>
              <button type="button" className="k-icon-button" aria-label="Dismiss" onClick={() => dispatchSession({ type: 'dismiss-scan-error' })}>
                ✕
              </button>
            </div>
          )}
          {session.panel.kind === 'enrol' ? (
            <EnrolForm
              screenId={screenId}
              tappedBeacon={session.panel.beaconId}
              present={present.customers}
              scannedCode={session.pendingCode?.code ?? null}
              now={now}
              onEnrol={enrol}
              onCancel={() => dispatchSession({ type: 'close' })}
            />
          ) : (
            <>
              <div className="k-customer-area">
                <CustomerPanel
                  panel={session.panel}
                  unknownCard={unknownCard || null}
                  draftOfferId={draft.offerId}
                  usualInOrder={openCard?.usualOrder ? holdsUsualOrder(draft, openCard.usualOrder) : false}
                  onApplyOffer={(offerId) => dispatchDraft({ type: 'apply-offer', offerId })}
                  onUseUsual={() => openCard?.usualOrder && dispatchDraft({ type: 'use-usual', usual: openCard.usualOrder })}
                  onRetry={openProfile}
                  onClose={closeCustomer}
                  onEnrol={() => dispatchSession({ type: 'enrol', beaconId: null })}
                />
              </div>
              <CatalogueGrid products={catalogue.products} problem={catalogue.problem} currency={currency} onAdd={addProduct} disabled={order.confirming} />
            </>
          )}
        </main>

        <aside className="k-right">
          <OrderEditor
            draft={draft}
            priced={priced}
            products={catalogue.products}
            currency={currency}
            offer={offer}
            dispatch={dispatchDraft}
            expandedKey={expandedKey}
            onExpand={setExpandedKey}
            onToggleModifier={toggleModifier}
            staffId={staffId}
            onStaffId={setStaffId}
            confirming={order.confirming}
            problem={order.problem}
            onConfirm={() => void order.confirm(draft, priced.unavailableCount)}
          />
        </aside>
      </div>

      <StatusBar
        agent={agent}
        screenName={settings?.name ?? screenId}
        scannerReady={settings !== null}
        notice={settings && settings.kind !== 'kiosk' ? `Screen “${screenId}” is set up as signage, not a kiosk: cards will not open.` : null}
      />

      {order.confirmed && <OrderToast order={order.confirmed} onDone={order.dismissConfirmed} />}
    </div>
  );
}
