/**
 * The handler table (architecture §4, §9.3): one line per channel, each calling exactly one service method.
 * Sender check, schema parsing and Result wrapping happen in handle.ts around this table.
 */
import type { SettingsService } from '../services/settings';
import type { WorkflowService } from '../services/workflow';
import type { HandlerTable } from './types';

export interface Services {
  settings: SettingsService;
  workflow: WorkflowService;
}

export function createHandlers({ settings, workflow }: Services): HandlerTable {
  return {
    'erx:getAppInfo': async () => settings.getAppInfo(),
    'erx:setStaff': async (req) => settings.setStaff(req.kuerzel),
    'erx:scanCode': (req) => workflow.scanCode(req.text),
    'erx:listCases': (req) => workflow.listCases(req.query, req.filter),
    'erx:getCase': (req) => workflow.getCase(req.prescriptionId),
    'erx:saveDraft': (req) => workflow.saveDraft(req.prescriptionId, req.entries),
    'erx:submitDispense': (req) => workflow.submitDispense(req.prescriptionId, req.entries),
    'erx:closeCase': (req) => workflow.closeCase(req.prescriptionId, req.entries),
    // `confirmed: true` is enforced by the contract schema (A_19241/A_19242).
    'erx:rejectCase': (req) => workflow.rejectCase(req.prescriptionId),
    'erx:abortCase': (req) => workflow.abortCase(req.prescriptionId),
    'erx:refetchReceipt': (req) => workflow.refetchReceipt(req.prescriptionId),
    'erx:recoverSecret': (req) => workflow.recoverSecret(req.prescriptionId),
    'erx:previewPatientView': (req) => workflow.previewPatientView(req.prescriptionId, req.entries),
  };
}
