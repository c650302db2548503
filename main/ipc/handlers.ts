/**
 * The handler table (architecture §4, §9.3): one line per channel, each calling exactly one service method.
 * Sender check, schema parsing and Result wrapping happen in handle.ts around this table.
 */
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import type { ConnectionDiagnosis } from '../../shared/ipc/contract';
import type { ArticleMasterService } from '../services/article-master';
import type { CaseLeaseService } from '../services/case-leases';
import type { ConnectionMonitor } from '../services/connection-monitor';
import type { EnrolmentCodeService } from '../services/enrolment-codes';
import type { SettingsService } from '../services/settings';
import type { WorkflowService } from '../services/workflow';
import { requireTraining } from '../backend/policy';
import type { EgkLookupService } from '../services/egk-lookup';
import type { MessagesService } from '../services/messages';
import type { PharmacySetupService } from '../services/pharmacy-setup';
import type { TiSetupService } from '../services/ti-setup';
import type { TrainerService } from '../training/trainer-service';
import type { HandlerTable } from './types';

export interface Services {
  settings: SettingsService;
  workflow: WorkflowService;
  connection: Pick<ConnectionMonitor, 'status' | 'check'>;
  /** the retrying Fachdienst client (spec §8): „Abbrechen“ stops its waiting retries */
  fachdienst: { cancel(id: PrescriptionId): boolean };
  /** the trainer panel (architecture §2); its channels refuse outside training mode */
  trainer: Pick<TrainerService, 'listScenarios' | 'loadScenario' | 'reset' | 'advanceClock' | 'currentScenario' | 'patientView' | 'patientReplies' | 'insertEgk'>;
  /** the TI section of the settings (backend `ti` only) */
  tiSetup: Pick<TiSetupService, 'view' | 'save' | 'listSmcbs'>;
  /** prescriptions by eGK (main/services/egk-lookup.ts) */
  egk: Pick<EgkLookupService, 'poll' | 'lookup' | 'accept'>;
  /** the messages with the patients' apps (main/services/messages.ts); `refreshNow` through the poller's spacing */
  messages: Pick<MessagesService, 'inbox' | 'acceptRequest' | 'dismissRequest' | 'caseMessages' | 'sendReply' | 'deleteReply'> & { refreshNow(): Promise<void> };
  /** „Verbindung prüfen“ (main/services/connection-diagnosis.ts) */
  diagnosis: { run(): Promise<ConnectionDiagnosis> };
  /** „Apotheke & Personal“ (main/services/pharmacy-setup.ts), with the event hub: every window follows a save */
  pharmacySetup: Pick<PharmacySetupService, 'view' | 'save'>;
  /** one owner per open case across counters (main/services/case-leases.ts, issue 18) */
  leases: Pick<CaseLeaseService, 'hold' | 'takeOver' | 'release'>;
  /** „Kasse hinzufügen“ (main/services/enrolment-codes.ts) */
  enrolmentCodes: Pick<EnrolmentCodeService, 'create'>;
  /** the article catalogue that answers (demo or imported master) and the import (main/services/article-master.ts, issue 19) */
  articles: Pick<ArticleMasterService, 'byPzns' | 'search' | 'info' | 'importCsv'>;
}

export function createHandlers({ settings, workflow, connection, fachdienst, trainer, diagnosis, tiSetup, egk, messages, pharmacySetup, leases, enrolmentCodes, articles }: Services): HandlerTable {
  /**
   * Architecture §2: trainer functions are dedicated channels that refuse outside training — asked on every
   * call, before anything is sent, so no `/_sim/…` request can ever go to a real Fachdienst.
   */
  const trainingOnly =
    <Req, Res>(call: (req: Req) => Promise<Res> | Res) =>
    async (req: Req): Promise<Res> => {
      requireTraining(settings.getAppInfo());
      return call(req);
    };

  return {
    'erx:getAppInfo': async () => settings.getAppInfo(),
    'erx:setStaff': async (req) => settings.setStaff(req.kuerzel),
    'erx:scanCode': (req) => workflow.scanCode(req.text),
    'erx:listCases': (req) => workflow.listCases(req.query, req.filter, req.limit),
    'erx:getCase': (req) => workflow.getCase(req.prescriptionId),
    'erx:holdCase': (req) => leases.hold(req.prescriptionId),
    'erx:takeOverCase': (req) => leases.takeOver(req.prescriptionId),
    'erx:releaseCase': (req) => leases.release(req.prescriptionId),
    'erx:createEnrolmentCode': () => enrolmentCodes.create(),
    'erx:saveDraft': (req) => workflow.saveDraft(req.prescriptionId, req.entries),
    'erx:submitDispense': (req) => workflow.submitDispense(req.prescriptionId, req.entries),
    'erx:closeCase': (req) => workflow.closeCase(req.prescriptionId, req.entries),
    // `confirmed: true` is enforced by the contract schema (A_19241/A_19242).
    'erx:rejectCase': (req) => workflow.rejectCase(req.prescriptionId),
    'erx:abortCase': (req) => workflow.abortCase(req.prescriptionId),
    'erx:refetchReceipt': (req) => workflow.refetchReceipt(req.prescriptionId),
    'erx:recoverSecret': (req) => workflow.recoverSecret(req.prescriptionId),
    'erx:previewPatientView': (req) => workflow.previewPatientView(req.prescriptionId, req.entries),
    'erx:getConnection': async () => connection.status(),
    'erx:getTiSettings': async () => tiSetup.view(),
    'erx:saveTiSettings': async (req) => tiSetup.save(req),
    'erx:listSmcbs': () => tiSetup.listSmcbs(),
    'erx:egkPoll': () => egk.poll(),
    'erx:egkLookup': () => egk.lookup(),
    'erx:egkAccept': (req) => egk.accept(req.lookupId, req.prescriptionIds),
    'erx:setMessageRetentionDays': async (req) => settings.setMessageRetentionDays(req.days),
    'erx:getPharmacySetup': async () => pharmacySetup.view(),
    'erx:savePharmacySetup': (req) => pharmacySetup.save(req),
    'erx:listMessages': async () => messages.inbox(),
    'erx:refreshMessages': async () => {
      await messages.refreshNow();
      return messages.inbox();
    },
    'erx:acceptMessage': (req) => messages.acceptRequest(req.communicationId),
    'erx:dismissMessage': async (req) => messages.dismissRequest(req.communicationId),
    'erx:caseMessages': async (req) => messages.caseMessages(req.prescriptionId),
    'erx:sendReply': (req) => messages.sendReply(req),
    'erx:deleteReply': (req) => messages.deleteReply(req.communicationId),
    // `confirmed: true` is enforced by the contract schema
    'erx:acknowledgeIdpConsent': async () => settings.acknowledgeIdpConsent(),
    'erx:diagnoseConnection': () => diagnosis.run(),
    'erx:listPendingOperations': async () => workflow.listPendingOperations(),
    // „Jetzt erneut versuchen“: ask the Fachdienst first, then run what is due (a 429 wait is never cut short).
    'erx:resumePendingOperations': async () => {
      await connection.check();
      return workflow.resumePendingOperations();
    },
    'erx:cancelPendingOperation': async (req) => workflow.cancelPendingOperation(req.id),
    'erx:cancelRetry': async (req) => ({ cancelled: fachdienst.cancel(req.prescriptionId) }),
    'erx:lookupArticles': async (req) => [...(await articles.byPzns(req.pzns)).values()],
    'erx:searchArticles': (req) => articles.search(req.text, req.limit),
    'erx:articleCatalogInfo': () => articles.info(),
    // a write like any other: it names who imported (architecture §2), so no import without a signed-in staff member
    'erx:importArticles': async (req) => articles.importCsv(req.text, { fileName: req.fileName, staff: settings.requireStaff().kuerzel }),
    // `confirmed: true` is enforced by the contract schema: choosing the backend is an explicit, confirmed action.
    'erx:selectBackend': async (req) => settings.selectBackend(req.backend),
    'erx:trainerListScenarios': trainingOnly(() => trainer.listScenarios()),
    'erx:trainerLoadScenario': trainingOnly((req: { name: string }) => trainer.loadScenario(req.name)),
    'erx:trainerCurrentScenario': trainingOnly(() => trainer.currentScenario()),
    'erx:trainerReset': trainingOnly(() => trainer.reset()),
    'erx:trainerAdvanceClock': trainingOnly((req: { duration: string }) => trainer.advanceClock(req.duration)),
    'erx:trainerPatientView': trainingOnly((req: { prescriptionId: PrescriptionId }) => trainer.patientView(req.prescriptionId)),
    'erx:trainerPatientReplies': trainingOnly((req: { prescriptionId: PrescriptionId }) => trainer.patientReplies(req.prescriptionId)),
    'erx:trainerInsertEgk': trainingOnly((req: { prescriptionId: PrescriptionId; staleCard?: boolean }) => trainer.insertEgk(req.prescriptionId, req.staleCard)),
  };
}
