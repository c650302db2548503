/**
 * The window's frame: training banner (whenever the backend is not the real TI, architecture §2), header with
 * navigation, connection indicator, settings, language and staff switch; under it the connection notice and — when
 * opened (Alt+W) — the pending operations (A_23815, A_23816), when opened (Alt+Z) the patients' Zuweisungen
 * („Nachrichten“, spec §3.11), in training — when opened (Alt+T) — the trainer panel (loaded on demand); then the
 * work area — scan first, then the open case or the inbox (focus order = work order).
 * Wedge scans are caught here, on every screen (architecture §5).
 */
import { useCallback, useId, useRef, useState } from 'react';
import type { AppInfo } from '../../../../shared/ipc/contract';
import { IdpConsentNotice } from '../../features/app-info/components/IdpConsentNotice';
import { StaffHint } from '../../features/app-info/components/StaffHint';
import { ConnectionNotice } from '../../features/connection/components/ConnectionNotice';
import { ScreenErrorBoundary } from '../../components/ScreenErrorBoundary';
import { PendingOperationsPanel } from '../../features/connection/components/PendingOperationsPanel';
import { OtherRetryNotices } from '../../features/connection/components/RetryNotice';
import { MessagesPanel } from '../../features/messages/components/MessagesPanel';
import { ScanPanel } from '../../features/scan/components/ScanPanel';
import { ScanProvider, useScan } from '../../features/scan/scan-context';
import { useWedgeScanner } from '../../features/scan/use-wedge-scanner';
import { LazyTrainerPanel } from '../../features/trainer/components/LazyTrainerPanel';
import { useCurrentCase } from '../../lib/current-case';
import { PackTargetProvider } from '../../lib/pack-scan-target';
import { shortcuts, useShortcut } from '../../lib/shortcuts';
import { CurrentCase } from '../pages/CurrentCase';
import { AppHeader } from './AppHeader';
import { TrainingBanner } from './TrainingBanner';

/** Feeds every wedge scan, wherever the focus is, into the one scan router. */
function WedgeScanner() {
  const { submitScan } = useScan();
  useWedgeScanner(submitScan);
  return null;
}

export function AppLayout({ appInfo }: { appInfo: AppInfo }) {
  const { prescriptionId: openCaseId, showInbox } = useCurrentCase();
  const [focusInboxSearch, setFocusInboxSearch] = useState(false);
  const openInbox = useCallback(() => {
    showInbox();
    setFocusInboxSearch(true);
  }, [showInbox]);
  const searchFocused = useCallback(() => setFocusInboxSearch(false), []);
  useShortcut(shortcuts.inbox, openInbox);

  const pendingPanelId = useId();
  const indicatorRef = useRef<HTMLButtonElement>(null);
  const [pendingOpen, setPendingOpen] = useState(false);
  const closePending = useCallback((options: { returnFocus: boolean } = { returnFocus: true }) => {
    setPendingOpen(false);
    // keyboard work continues where the panel was opened (not when a case was opened from it)
    if (options.returnFocus) indicatorRef.current?.focus();
  }, []);
  const togglePending = useCallback(() => (pendingOpen ? closePending() : setPendingOpen(true)), [pendingOpen, closePending]);
  const openPending = useCallback(() => setPendingOpen(true), []);
  useShortcut(shortcuts.pendingOperations, togglePending);

  const messagesPanelId = useId();
  const messagesButtonRef = useRef<HTMLButtonElement>(null);
  const [messagesOpen, setMessagesOpen] = useState(false);
  const closeMessages = useCallback((options: { returnFocus: boolean } = { returnFocus: true }) => {
    setMessagesOpen(false);
    // as with the pending operations: back to the button, unless „Annehmen“ opened a case to work on
    if (options.returnFocus) messagesButtonRef.current?.focus();
  }, []);
  const toggleMessages = useCallback(() => (messagesOpen ? closeMessages() : setMessagesOpen(true)), [messagesOpen, closeMessages]);
  useShortcut(shortcuts.messages, toggleMessages);

  const trainerPanelId = useId();
  const trainerButtonRef = useRef<HTMLButtonElement>(null);
  const [trainerOpen, setTrainerOpen] = useState(false);
  const closeTrainer = useCallback(() => {
    setTrainerOpen(false);
    trainerButtonRef.current?.focus();
  }, []);
  const toggleTrainer = useCallback(() => (trainerOpen ? closeTrainer() : setTrainerOpen(true)), [trainerOpen, closeTrainer]);
  // The trainer's channels refuse outside training (architecture §2): no panel, no shortcut there.
  useShortcut(shortcuts.trainer, toggleTrainer, appInfo.training);

  // Banner, header and connection notice are memoised with stable props: opening a case (every scan) re-renders this
  // frame, not them (docs/performance.md, scan-overhead).
  return (
    <div className="app" data-testid="app-ready" data-training={appInfo.training}>
      {appInfo.training ? <TrainingBanner tiSimulation={appInfo.backend === 'ti'} /> : null}
      <AppHeader
        appInfo={appInfo}
        onInbox={openInbox}
        panelOpen={pendingOpen}
        onTogglePanel={togglePending}
        panelId={pendingPanelId}
        indicatorRef={indicatorRef}
        messagesOpen={messagesOpen}
        onToggleMessages={toggleMessages}
        messagesPanelId={messagesPanelId}
        messagesButtonRef={messagesButtonRef}
        trainerOpen={trainerOpen}
        onToggleTrainer={toggleTrainer}
        trainerPanelId={trainerPanelId}
        trainerButtonRef={trainerButtonRef}
      />
      <ConnectionNotice onShowPending={openPending} />
      {appInfo.idpConsent ? <IdpConsentNotice consent={appInfo.idpConsent} /> : null}
      {/* each screen's crash stays in it (ScreenErrorBoundary): the scan field and the other areas keep working */}
      {pendingOpen ? (
        <ScreenErrorBoundary screen="pending">
          <PendingOperationsPanel id={pendingPanelId} onClose={closePending} />
        </ScreenErrorBoundary>
      ) : null}
      {messagesOpen ? (
        <ScreenErrorBoundary screen="messages">
          <MessagesPanel id={messagesPanelId} onClose={closeMessages} />
        </ScreenErrorBoundary>
      ) : null}
      {appInfo.training && trainerOpen ? (
        <ScreenErrorBoundary screen="trainer">
          <LazyTrainerPanel id={trainerPanelId} onClose={closeTrainer} />
        </ScreenErrorBoundary>
      ) : null}
      {/* pack scans go to the open dispense editor, which registers itself with the scan router's slot */}
      <PackTargetProvider>
        <ScanProvider>
          <WedgeScanner />
          <main className="app-main">
            {appInfo.staff === null ? <StaffHint /> : null}
            {/* retries of calls for prescriptions not on screen, e.g. a scan's GET ?ac (the open case shows its own) */}
            <ScanPanel retryNotices={<OtherRetryNotices except={openCaseId} />} />
            <ScreenErrorBoundary screen={openCaseId === null ? 'inbox' : 'case'} resetKey={openCaseId ?? 'inbox'}>
              <CurrentCase focusInboxSearch={focusInboxSearch} onInboxSearchFocused={searchFocused} />
            </ScreenErrorBoundary>
          </main>
        </ScanProvider>
      </PackTargetProvider>
    </div>
  );
}
