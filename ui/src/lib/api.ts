// The front end's only door to the Rust side. Components take an `AwslabApi` as a prop, so tests
// hand them a stand-in instead of a running Tauri app.
import { invoke } from '@tauri-apps/api/core';
import { save } from '@tauri-apps/plugin-dialog';
import type {
  AlarmGraph,
  AwsProfile,
  CatalogListing,
  CleanupReport,
  CommandName,
  Explorer,
  HttpAnswer,
  EmulatorStatus,
  FieldProblem,
  FormValues,
  IpcError,
  LabProgress,
  LinkAnswer,
  Localized,
  Mail,
  OpenedLab,
  SavedReport,
  ShellAnswer,
  StepOutcome,
  TargetView,
} from './types';

export interface AwslabApi {
  /** Summaries of the labs in the labs folder; rejects with an `ApiError`. */
  listLabs(): Promise<CatalogListing>;
  /** Where the offline emulator started at launch is; rejects only with `ipc_failed`. */
  emulatorStatus(): Promise<EmulatorStatus>;
  /** A lab's lesson, forms and checks, with the learner's standing in it. */
  openLab(labId: string): Promise<OpenedLab>;
  /** What is wrong with a form's values (empty when nothing is); sends nothing to the target. */
  validateForm(labId: string, stepId: string, values: FormValues): Promise<FieldProblem[]>;
  /** Runs a step on the current target: validate, act, check; the checks are recorded. */
  runStep(labId: string, stepId: string, values: FormValues): Promise<StepOutcome>;
  /** Runs a step's checks only; they are recorded. */
  checkStep(labId: string, stepId: string, values: FormValues): Promise<StepOutcome>;
  /** Reveals the step's next hint; the standing says how many are shown. */
  revealHint(labId: string, stepId: string): Promise<LabProgress>;
  /** Marks the step skipped (never passed). */
  skipStep(labId: string, stepId: string): Promise<LabProgress>;
  /** Deletes the lab's resources on the target, then its progress. */
  resetLab(labId: string): Promise<LabProgress>;
  /** The current target and who it says we are. */
  currentTarget(): Promise<TargetView>;
  /** What the step, check or clean-up under way waits for now; `null` when nothing is. */
  progressNote(): Promise<Localized | null>;
  /** Switches to the emulator, or to AWS with a profile (null: the default chain) and region. */
  switchTarget(aws: boolean, profile: string | null, region: string | null): Promise<TargetView>;
  /** The profiles of the learner's AWS configuration. */
  awsProfiles(): Promise<AwsProfile[]>;
  /** Deletes what the lab created on the current target and proves nothing of it is left. */
  cleanUpLab(labId: string): Promise<CleanupReport>;
  /**
   * Asks where to save the lab's grading report (a save dialog), then writes it there: HTML or
   * JSON by the extension chosen. `null` when the learner cancelled the dialog.
   */
  exportReport(labId: string, lang: 'ko' | 'en'): Promise<SavedReport | null>;
  /** The lab's score over time as an SVG chart; `null` before the first check. */
  scoreChart(labId: string, lang: 'ko' | 'en'): Promise<string | null>;
  /** What exists on the current target for the lab. */
  exploreLab(labId: string): Promise<Explorer>;
  /** Sends one request to a URL of the target (an invoke URL). */
  sendRequest(method: string, url: string, body: string | null): Promise<HttpAnswer>;
  /** The lab's EC2 instances on the current target (ids). */
  labInstances(labId: string): Promise<string[]>;
  /** Runs one command line in a simulated instance's shell (offline only). */
  instanceShell(instanceId: string, command: string): Promise<ShellAnswer>;
  /** The offline emulator's mailbox, oldest first. */
  mailbox(): Promise<Mail[]>;
  /** Follows a link from an e-mail (only links to the emulator). */
  followMailLink(url: string): Promise<LinkAnswer>;
  /** The graphs of the lab's CloudWatch alarms. */
  alarmGraphs(labId: string): Promise<AlarmGraph[]>;
}

/**
 * Why a call failed: an `IpcError` from a command, or `ipc_failed` when the call never reached
 * a command (no Tauri runtime, e.g. the page opened in a browser; a command the capability does
 * not allow). The UI branches on `code`, never on `message`; `errorDetail` says it in the
 * learner's language.
 */
export type ApiError = IpcError | { code: 'ipc_failed'; message: string; explanation?: undefined; aws?: undefined };

// A record, not a list, so that TypeScript fails the build when a code generated from Rust is
// missing here.
const apiErrorCodes: Record<ApiError['code'], true> = {
  labs_unavailable: true,
  progress_unavailable: true,
  lab_not_found: true,
  step_not_found: true,
  target_unavailable: true,
  reset_failed: true,
  export_failed: true,
  ipc_failed: true,
};

function isApiErrorCode(code: unknown): code is ApiError['code'] {
  return typeof code === 'string' && Object.hasOwn(apiErrorCodes, code);
}

function isLocalized(value: unknown): value is Localized {
  if (typeof value !== 'object' || value === null) return false;
  const { ko, en } = value as Record<string, unknown>;
  return typeof ko === 'string' && typeof en === 'string';
}

function isAwsDetails(value: unknown): value is NonNullable<IpcError['aws']> {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  return ['service', 'operation', 'code', 'message'].every((key) => typeof fields[key] === 'string');
}

/**
 * Turns whatever `invoke` rejected with into an `ApiError`; an `ApiError` stays as it is. The
 * explanation and AWS details are kept only when they have the shape Rust gives them.
 */
export function toApiError(rejection: unknown): ApiError {
  if (typeof rejection === 'object' && rejection !== null) {
    const { code, message, explanation, aws } = rejection as Record<string, unknown>;
    if (isApiErrorCode(code) && typeof message === 'string') {
      if (code === 'ipc_failed') return { code, message };
      const error: IpcError = { code, message };
      if (isLocalized(explanation)) error.explanation = explanation;
      if (isAwsDetails(aws)) error.aws = aws;
      return error;
    }
  }
  return { code: 'ipc_failed', message: describeRejection(rejection) };
}

/**
 * What to show under an error's heading: its message, then what it means in the learner's
 * language when the Rust side explained it (a target's refusal).
 */
export function errorDetail(error: ApiError, locale: keyof Localized): string {
  return error.explanation ? `${error.message}\n${error.explanation[locale]}` : error.message;
}

function describeRejection(rejection: unknown): string {
  if (rejection instanceof Error) return rejection.message;
  if (typeof rejection === 'string') return rejection;
  try {
    return JSON.stringify(rejection) ?? String(rejection);
  } catch {
    return String(rejection); // e.g. a circular object
  }
}

/**
 * Every command, by the `AwslabApi` method that calls it. `CommandName` is generated from the
 * Rust list of commands, so a command added there fails `npm run ui:check` until it has its
 * method here (and a test checks that each method calls its command).
 */
export const methodOfCommand: Record<CommandName, keyof AwslabApi> = {
  list_labs: 'listLabs',
  emulator_status: 'emulatorStatus',
  open_lab: 'openLab',
  validate_form: 'validateForm',
  run_step: 'runStep',
  check_step: 'checkStep',
  reveal_hint: 'revealHint',
  skip_step: 'skipStep',
  reset_lab: 'resetLab',
  current_target: 'currentTarget',
  switch_target: 'switchTarget',
  aws_profiles: 'awsProfiles',
  clean_up_lab: 'cleanUpLab',
  export_report: 'exportReport',
  score_chart: 'scoreChart',
  explore_lab: 'exploreLab',
  send_request: 'sendRequest',
  instance_shell: 'instanceShell',
  mailbox: 'mailbox',
  follow_mail_link: 'followMailLink',
  lab_instances: 'labInstances',
  alarm_graphs: 'alarmGraphs',
  progress_note: 'progressNote',
};

async function call<T>(command: CommandName, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (rejection) {
    throw toApiError(rejection);
  }
}

/** The real API: the Tauri commands listed in src-tauri/src/command_list.rs. */
export const tauriApi: AwslabApi = {
  listLabs: () => call<CatalogListing>('list_labs'),
  emulatorStatus: () => call<EmulatorStatus>('emulator_status'),
  openLab: (labId) => call<OpenedLab>('open_lab', { labId }),
  validateForm: (labId, stepId, values) =>
    call<FieldProblem[]>('validate_form', { labId, stepId, values }),
  runStep: (labId, stepId, values) => call<StepOutcome>('run_step', { labId, stepId, values }),
  checkStep: (labId, stepId, values) =>
    call<StepOutcome>('check_step', { labId, stepId, values }),
  revealHint: (labId, stepId) => call<LabProgress>('reveal_hint', { labId, stepId }),
  skipStep: (labId, stepId) => call<LabProgress>('skip_step', { labId, stepId }),
  resetLab: (labId) => call<LabProgress>('reset_lab', { labId }),
  currentTarget: () => call<TargetView>('current_target'),
  progressNote: () => call<Localized | null>('progress_note'),
  switchTarget: (aws, profile, region) => call<TargetView>('switch_target', { aws, profile, region }),
  awsProfiles: () => call<AwsProfile[]>('aws_profiles'),
  cleanUpLab: (labId) => call<CleanupReport>('clean_up_lab', { labId }),
  scoreChart: (labId, lang) => call<string | null>('score_chart', { labId, lang }),
  exploreLab: (labId) => call<Explorer>('explore_lab', { labId }),
  sendRequest: (method, url, body) => call<HttpAnswer>('send_request', { method, url, body }),
  labInstances: (labId) => call<string[]>('lab_instances', { labId }),
  instanceShell: (instanceId, command) => call<ShellAnswer>('instance_shell', { instanceId, command }),
  mailbox: () => call<Mail[]>('mailbox'),
  followMailLink: (url) => call<LinkAnswer>('follow_mail_link', { url }),
  alarmGraphs: (labId) => call<AlarmGraph[]>('alarm_graphs', { labId }),
  exportReport: async (labId, lang) => {
    let path: string | null;
    try {
      path = await save({
        defaultPath: `${labId}-report.html`,
        filters: [
          { name: 'HTML', extensions: ['html'] },
          { name: 'JSON', extensions: ['json'] },
        ],
      });
    } catch (rejection) {
      throw toApiError(rejection);
    }
    return path === null ? null : call<SavedReport>('export_report', { labId, path, lang });
  },
};
