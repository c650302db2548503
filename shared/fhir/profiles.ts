/**
 * Every gematik profile, NamingSystem, CodeSystem, extension and OperationDefinition URL we send or read, and
 * the professionOIDs, written once (architecture §9.1). Source: spec §1.1, §1.3, §4, §5, §6, §7. The KBV
 * URLs (prescription bundle) are in kbv/kbv-urls.ts.
 */
export const WORKFLOW_VERSION = '1.6';

const GEM_SD = 'https://gematik.de/fhir/erp/StructureDefinition';
const GEM_CS = 'https://gematik.de/fhir/erp/CodeSystem';
const GEM_NS = 'https://gematik.de/fhir/erp/NamingSystem';
const GEM_OD = 'https://gematik.de/fhir/erp/OperationDefinition';
const EPA_SD = 'https://gematik.de/fhir/epa-medication/StructureDefinition';

/** A profile as instances claim it, `<url>|<version>` (workflow 1.6 unless another version is named). */
export const versioned = (profile: string, version: string = WORKFLOW_VERSION): string => `${profile}|${version}`;

export const Profiles = {
  task: `${GEM_SD}/GEM_ERP_PR_Task`,
  medicationDispense: `${GEM_SD}/GEM_ERP_PR_MedicationDispense`,
  medication: `${GEM_SD}/GEM_ERP_PR_Medication`,
  dispenseInput: `${GEM_SD}/GEM_ERP_PR_PAR_DispenseOperation_Input`,
  closeInput: `${GEM_SD}/GEM_ERP_PR_PAR_CloseOperation_Input`,
  receiptBundle: `${GEM_SD}/GEM_ERP_PR_Bundle`,
  composition: `${GEM_SD}/GEM_ERP_PR_Composition`,
  device: `${GEM_SD}/GEM_ERP_PR_Device`,
  digest: `${GEM_SD}/GEM_ERP_PR_Digest`,
  binary: `${GEM_SD}/GEM_ERP_PR_Binary`,
  acceptBundle: `${GEM_SD}/GEM_ERP_PR_Bundle_OP_Accept`,
  /** DiGA dispense (flow 162) — not allowed for drug workflows (spec §3.4, A_26002) */
  medicationDispenseDiga: `${GEM_SD}/GEM_ERP_PR_MedicationDispense_DiGA`,
  /** contained component of a Rezeptur, identified by PZN (spec §6.4) */
  epaMedicationPznIngredient: `${EPA_SD}/epa-medication-pzn-ingredient`,
  /** contained component of a Kombipackung (spec §6.4) */
  epaMedicationPharmaceuticalProduct: `${EPA_SD}/epa-medication-pharmaceutical-product`,
} as const;

/** The operations the CapabilityStatement names (spec §3). */
export const OperationDefinitions = {
  accept: `${GEM_OD}/AcceptOperationDefinition`,
  reject: `${GEM_OD}/RejectOperationDefinition`,
  dispense: `${GEM_OD}/DispenseOperationDefinition`,
  close: `${GEM_OD}/CloseOperationDefinition`,
  abort: `${GEM_OD}/AbortOperationDefinition`,
} as const;

export const NamingSystems = {
  prescriptionId: `${GEM_NS}/GEM_ERP_NS_PrescriptionId`,
  accessCode: `${GEM_NS}/GEM_ERP_NS_AccessCode`,
  secret: `${GEM_NS}/GEM_ERP_NS_Secret`,
  kvnr: 'http://fhir.de/sid/gkv/kvid-10',
  /** pre-1.5 PKV KVNR system, still seen in old KBV bundles */
  kvnrPkvLegacy: 'http://fhir.de/sid/pkv/kvid-10',
  telematikId: 'https://gematik.de/fhir/sid/telematik-id',
} as const;

export const CodeSystems = {
  flowType: `${GEM_CS}/GEM_ERP_CS_FlowType`,
  organizationType: `${GEM_CS}/GEM_ERP_CS_OrganizationType`,
  documentType: `${GEM_CS}/GEM_ERP_CS_DocumentType`,
  pzn: 'http://fhir.de/CodeSystem/ifa/pzn',
  atc: 'http://fhir.de/CodeSystem/bfarm/atc',
  ask: 'http://fhir.de/CodeSystem/ask',
  drugCategory: 'https://gematik.de/fhir/epa-medication/CodeSystem/epa-drug-category-cs',
  snomed: 'http://snomed.info/sct',
  ucum: 'http://unitsofmeasure.org',
} as const;

export const Extensions = {
  prescriptionType: `${GEM_SD}/GEM_ERP_EX_PrescriptionType`,
  acceptDate: `${GEM_SD}/GEM_ERP_EX_AcceptDate`,
  expiryDate: `${GEM_SD}/GEM_ERP_EX_ExpiryDate`,
  lastMedicationDispense: `${GEM_SD}/GEM_ERP_EX_LastMedicationDispense`,
  beneficiary: `${GEM_SD}/GEM_ERP_EX_Beneficiary`,
  renderedDosageInstruction:
    'http://hl7.org/fhir/5.0/StructureDefinition/extension-MedicationDispense.renderedDosageInstruction',
  generatedDosageInstructionsMeta: 'http://ig.fhir.de/igs/medication/StructureDefinition/GeneratedDosageInstructionsMeta',
  drugCategory: `${EPA_SD}/drug-category-extension`,
  isVaccine: `${EPA_SD}/medication-id-vaccine-extension`,
  normSize: 'http://fhir.de/StructureDefinition/normgroesse',
  medicationType: `${EPA_SD}/epa-medication-type-extension`,
  totalQuantity: `${EPA_SD}/medication-total-quantity-formulation-extension`,
  packagingSize: `${EPA_SD}/medication-packaging-size-extension`,
  packaging: `${EPA_SD}/medication-formulation-packaging-extension`,
  manufacturingInstructions: `${EPA_SD}/medication-manufacturing-instructions-extension`,
  /** free-text amount of a Rezeptur component such as "ad 100,0 g" (max. 20 characters, spec §6.4) */
  ingredientAmount: `${EPA_SD}/medication-ingredient-amount-extension`,
  dataAbsentReason: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason',
} as const;

/**
 * professionOID of each actor — the ACCESS_TOKEN's `professionOID` claim (spec §1.1). The Fachdienst decides
 * by it who may call what; only the insurant may read MedicationDispense (A_19405-02).
 */
export const ProfessionOids = {
  /** oid_versicherter */
  insurant: '1.2.276.0.76.4.49',
  /** oid_praxis_arzt */
  doctorPractice: '1.2.276.0.76.4.50',
  /** oid_zahnarztpraxis */
  dentistPractice: '1.2.276.0.76.4.51',
  /** oid_praxis_psychotherapeut */
  psychotherapistPractice: '1.2.276.0.76.4.52',
  /** oid_krankenhaus */
  hospital: '1.2.276.0.76.4.53',
  /** oid_oeffentliche_apotheke — the AVS user */
  publicPharmacy: '1.2.276.0.76.4.54',
  /** oid_krankenhausapotheke */
  hospitalPharmacy: '1.2.276.0.76.4.55',
  /** oid_kostentraeger (DiGA, flow type 162 only) */
  costBearer: '1.2.276.0.76.4.59',
} as const;

/** Task.performerType of the pharmacy flow types: the public pharmacy, coded by its OID (spec §1.1, §4). */
export const PUBLIC_PHARMACY_PERFORMER = {
  system: CodeSystems.organizationType,
  code: `urn:oid:${ProfessionOids.publicPharmacy}`,
  display: 'Öffentliche Apotheke',
} as const;

/** Names of the parameters and parts of the $dispense / $close input (spec §5). */
export const DispenseParameterNames = {
  rxDispensation: 'rxDispensation',
  medicationDispense: 'medicationDispense',
  medication: 'medication',
} as const;

/** SNOMED CT codes of epa-medication-type-extension (spec §6.4). */
export const MedicationTypes = {
  extemporaneousPreparation: { code: '1208954007', display: 'Extemporaneous preparation (product)' },
  medicinalProductPackage: { code: '781405001', display: 'Medicinal product package (product)' },
  pharmaceuticalProduct: { code: '373873005', display: 'Pharmaceutical / biologic product (product)' },
} as const;

/** UCUM code for "number of packs" in MedicationDispense.quantity (spec §5, §6.2). */
export const PACKAGE_UNIT_CODE = '{Package}';

/** Dosage text algorithm the Fachdienst knows (spec §6.3). */
export const DOSAGE_ALGORITHM_VERSION = '1.0.1';
/** Language of the rendered dosage text the Fachdienst knows (spec §6.3). */
export const DOSAGE_LANGUAGE = 'de-DE';
