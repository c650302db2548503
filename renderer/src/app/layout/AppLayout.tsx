/**
 * The window's frame: training banner (whenever the backend is not the real TI, architecture §2), header
 * with pharmacy and staff switch, then the work area — scan first, then the case (focus order = work order).
 */
import type { AppInfo } from '../../../../shared/ipc/contract';
import { StaffHint } from '../../features/app-info/components/StaffHint';
import { CurrentCase } from '../../features/cases/components/CurrentCase';
import { ScanPanel } from '../../features/scan/components/ScanPanel';
import { AppHeader } from './AppHeader';
import { TrainingBanner } from './TrainingBanner';

export function AppLayout({ appInfo }: { appInfo: AppInfo }) {
  return (
    <div className="app" data-testid="app-ready" data-training={appInfo.training}>
      {appInfo.training ? <TrainingBanner /> : null}
      <AppHeader appInfo={appInfo} />
      <main className="app-main">
        {appInfo.staff === null ? <StaffHint /> : null}
        <ScanPanel />
        <CurrentCase />
      </main>
    </div>
  );
}
