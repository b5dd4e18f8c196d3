// Stand-ins for the Rust side in component tests: typed by the generated bindings, so a change
// to a Rust type that the UI does not follow fails `npm run ui:check`.
import type { AwslabApi } from './api';
import type { CatalogListing, EmulatorStatus, LabSummary } from './types';

/** A lab summary with no progress, overridable field by field. */
export function labSummary(id: string, overrides: Partial<LabSummary> = {}): LabSummary {
  return {
    id,
    title: { ko: `${id} 실습`, en: `${id} lab` },
    estimated_minutes: 30,
    step_count: 4,
    total_points: 40,
    standing: {
      score: { earned: 0, possible: 40, percent: 0, pass_percent: 70, passed: false },
      steps_passed: 0,
      last_worked_ms: null,
    },
    ...overrides,
  };
}

export function listing(labs: LabSummary[], overrides: Partial<CatalogListing> = {}): CatalogListing {
  return { labs, problems: [], continue_lab_id: null, progress_recovered: null, progress_unavailable: null, ...overrides };
}

export const running: EmulatorStatus = {
  state: 'running',
  endpoint: 'http://127.0.0.1:45678',
  warning: null,
  notices: [],
};

/** An API whose calls resolve with the given values (or reject, for functions that throw). */
export function fakeApi(parts: Partial<AwslabApi> = {}): AwslabApi {
  const unexpected = (name: string) => async () => {
    throw { code: 'ipc_failed', message: `${name} was not expected in this test` };
  };
  return {
    listLabs: async () => listing([]),
    emulatorStatus: async () => running,
    openLab: unexpected('openLab'),
    validateForm: async () => [],
    runStep: unexpected('runStep'),
    checkStep: unexpected('checkStep'),
    revealHint: unexpected('revealHint'),
    skipStep: unexpected('skipStep'),
    resetLab: unexpected('resetLab'),
    currentTarget: unexpected('currentTarget'),
    switchTarget: unexpected('switchTarget'),
    awsProfiles: async () => [],
    cleanUpLab: unexpected('cleanUpLab'),
    exportReport: unexpected('exportReport'),
    scoreChart: async () => null,
    exploreLab: unexpected('exploreLab'),
    sendRequest: unexpected('sendRequest'),
    labInstances: async () => [],
    instanceShell: unexpected('instanceShell'),
    mailbox: async () => [],
    followMailLink: unexpected('followMailLink'),
    alarmGraphs: async () => [],
    ...parts,
  };
}
