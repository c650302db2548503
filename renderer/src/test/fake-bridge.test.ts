import { describe, expect, it } from 'vitest';
import { channels } from '../../../shared/ipc/contract';
import { createFakeBridge, takeContractViolations } from './fake-bridge';
import { appError, appInfo, caseDetail, ids } from './fixtures';

describe('the fake bridge answers only what main could send', () => {
  it('has an answer for every channel of the contract, and its own answers pass the contract', async () => {
    const fake = createFakeBridge({ cases: [caseDetail()] });
    for (const channel of channels) expect(typeof Reflect.get(fake.bridge, channel.slice('erx:'.length)), channel).toBe('function');
    await fake.bridge.getAppInfo({});
    await fake.bridge.getCase({ prescriptionId: ids.first });
    await fake.bridge.submitDispense({ prescriptionId: ids.first, entries: caseDetail().draft ?? [] });
    await fake.bridge.getCase({ prescriptionId: ids.second }); // a refusal: not-found
    expect(takeContractViolations()).toEqual([]);
  });

  it('notes an answer a test made up that main could never send, and passes it on unchanged', async () => {
    const fake = createFakeBridge();
    const { pharmacy: _pharmacy, ...withoutPharmacy } = appInfo();
    fake.calls.getAppInfo.mockResolvedValueOnce({ ok: true, data: withoutPharmacy } as never);
    await expect(fake.bridge.getAppInfo({})).resolves.toEqual({ ok: true, data: withoutPharmacy });
    const [violation, ...more] = takeContractViolations();
    expect(more).toEqual([]);
    expect(violation).toContain('erx:getAppInfo answered what main could never send');
    expect(violation).toContain('pharmacy');
  });

  it('checks a refusal against the AppError schema', async () => {
    const fake = createFakeBridge();
    fake.calls.getConnection.mockResolvedValueOnce({ ok: false, error: { ...appError(), retry: 'sometimes' } } as never);
    await fake.bridge.getConnection({});
    expect(takeContractViolations()).toEqual([expect.stringContaining('erx:getConnection')]);
  });
});
