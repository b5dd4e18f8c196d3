// Stand-ins for the Rust side in component tests: typed by the generated bindings, so a change
// to a Rust type that the UI does not follow fails `npm run ui:check`.
import type { AwslabApi } from './api';
import type { CatalogListing, EmulatorStatus, LabProgress, LabSummary, LabView, StepStatus, StepView } from './types';

/** A lab summary with no progress, overridable field by field. */
export function labSummary(id: string, overrides: Partial<LabSummary> = {}): LabSummary {
  return {
    id,
    title: { ko: `${id} 실습`, en: `${id} lab` },
    estimated_minutes: 30,
    step_count: 4,
    quiz: false,
    question_count: 0,
    total_points: 40,
    standing: {
      score: { earned: 0, possible: 40, percent: 0, pass_percent: 70, passed: false },
      steps_passed: 0,
      steps_graded: 4,
      last_worked_ms: null,
    },
    ...overrides,
  };
}

/** A step with no fields and two hints, overridable field by field. */
export function stepDefinition(id: string, overrides: Partial<StepView> = {}): StepView {
  return {
    id,
    title: { ko: `${id} 단계`, en: `${id} step` },
    html: { ko: `<p>${id} 설명</p>`, en: `<p>${id} lesson</p>` },
    fields: [],
    has_action: true,
    targets: 'both',
    checks: [],
    hints: [
      { ko: '<p>첫 힌트</p>', en: '<p>First hint</p>' },
      { ko: '<p>둘째 힌트</p>', en: '<p>Second hint</p>' },
    ],
    question: null,
    ...overrides,
  };
}

/** A lab of the given steps (two by default), overridable field by field. */
export function labDefinition(overrides: Partial<LabView> = {}): LabView {
  return {
    id: 'tiny',
    title: { ko: '작은 실습', en: 'Tiny lab' },
    estimated_minutes: 10,
    pass_percent: 70,
    cost_usd: 0.02,
    cost_note: { ko: '프리 티어', en: 'free tier' },
    intro_html: { ko: '<p>소개</p>', en: '<p>Intro</p>' },
    steps: [stepDefinition('one'), stepDefinition('two')],
    summary: null,
    total_points: 20,
    services: [],
    ...overrides,
  };
}

/** The learner's standing in `lab`: one status per step, and the hints shown in each. */
export function standing(lab: LabView, statuses: StepStatus[], hints: number[] = []): LabProgress {
  const steps = lab.steps.map((step, index) => ({
    step_id: step.id,
    status: statuses[index] ?? 'not_started',
    earned: statuses[index] === 'passed' ? 10 : 0,
    possible: 10,
    hints_revealed: hints[index] ?? 0,
  }));
  const earned = steps.reduce((sum, step) => sum + step.earned, 0);
  const possible = steps.length * 10;
  const percent = possible === 0 ? 0 : Math.round((earned * 100) / possible);
  return { lab_id: lab.id, target: 'emulator', steps, score: { earned, possible, percent, pass_percent: 70, passed: percent >= 70 } };
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
    progressNote: async () => null,
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
