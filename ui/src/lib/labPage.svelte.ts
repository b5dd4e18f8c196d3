// The lab page's state and what the learner does on it, apart from the markup that shows it: the
// opened lab and the learner's standing, the selected step with its form and problems, what the
// last Run or Check did, and which action is under way. Every action that asks the Rust side goes
// through `busyWhile`, so one runs at a time, its failure becomes `error`, and no failure leaves the
// page busy.
// Not here: which drawer is open and how anything looks (the components), nor the wording of an
// error (the lab view's `errorText`).
import { toApiError, type ApiError, type AwslabApi } from './api';
import { clearDrafts, loadDraft, problemsByField, saveDraft } from './form';
import type { Locale } from './i18n';
import type {
  CheckChart,
  CheckView,
  CleanupReport,
  FieldProblem,
  FormValues,
  LabProgress,
  Localized,
  OpenedLab,
  SavedReport,
  StepRun,
  StepStatus,
  StepView,
} from './types';

export type LabOpening = { kind: 'loading' } | { kind: 'loaded'; opened: OpenedLab } | { kind: 'failed'; error: ApiError };

/** The action under way; each one's button shows its own "…ing" label meanwhile. */
export type BusyAction = 'run' | 'check' | 'hint' | 'skip' | 'reset' | 'cleanup' | 'export';

/** A step's status in the learner's standing; a step never tried is `not_started`. */
export function stepStatus(progress: LabProgress | null, stepId: string): StepStatus {
  return progress?.steps.find((s) => s.step_id === stepId)?.status ?? 'not_started';
}

/**
 * Whether Run performs the step's action on the target the learner is on (`onAws`): a step whose
 * action exists only offline (the terminal, the mailbox, the clock) is done by hand on AWS, and
 * one whose action exists only on AWS is done by hand offline.
 */
export function runsHere(step: StepView, onAws: boolean): boolean {
  return step.has_action && (step.targets === 'both' || step.targets === (onAws ? 'aws' : 'emulator'));
}

/** Those of a step's checks that count for nothing on the target: on AWS, those graded only offline. */
export function ungradedChecks(checks: CheckView[], onAws: boolean): CheckView[] {
  return onAws ? checks.filter((check) => check.offline_only) : [];
}

/** Steps the learner has nothing left to do in: passed, skipped, or carrying no points here. */
function settled(status: StepStatus): boolean {
  return status === 'passed' || status === 'skipped' || status === 'offline_only';
}

/** What the page takes from the lab view's props; read at each use, so it follows them. */
export interface LabPageProps {
  readonly api: AwslabApi;
  readonly labId: string;
  /** How long the form waits after the last keystroke before asking the Rust rules. */
  readonly validateDelayMs: number;
}

/** The actions that may wait on the target (a function becoming Active, a deployment spreading). */
const LONG_WORK: BusyAction[] = ['run', 'check', 'reset', 'cleanup'];
const NOTE_EVERY_MS = 500;

export class LabPage {
  opening = $state<LabOpening>({ kind: 'loading' });
  progress = $state<LabProgress | null>(null);
  /** -1 is the introduction, `steps.length` the summary. */
  selected = $state(-1);
  values = $state<FormValues>({});
  problems = $state<FieldProblem[]>([]);
  lastRun = $state<StepRun | null>(null);
  lastCharts = $state<CheckChart[]>([]);
  busy = $state<BusyAction | null>(null);
  /** While a Run, Check, reset or clean-up waits on the target: what it waits for. */
  note = $state<Localized | null>(null);
  error = $state<ApiError | null>(null);
  confirmingReset = $state(false);
  /** The Run waiting for the learner to accept the lab's AWS cost. */
  confirmingCost = $state(false);
  cleanup = $state<CleanupReport | null>(null);
  saved = $state<SavedReport | null>(null);

  readonly lab = $derived(this.opening.kind === 'loaded' ? this.opening.opened.lab : null);
  readonly step: StepView | null = $derived(
    this.lab && this.selected >= 0 && this.selected < this.lab.steps.length ? this.lab.steps[this.selected] : null,
  );
  readonly stepProgress = $derived(this.step && this.progress ? this.progress.steps.find((s) => s.step_id === this.step?.id) : undefined);
  readonly fieldProblems = $derived(problemsByField(this.problems));

  readonly #props: LabPageProps;
  #validateTimer: ReturnType<typeof setTimeout> | undefined;
  /** Numbers validation requests, so only the latest one's answer is shown. */
  #validation = 0;

  constructor(props: LabPageProps) {
    this.#props = props;
  }

  get #api() {
    return this.#props.api;
  }

  get #labId() {
    return this.#props.labId;
  }

  /** Opens the lab at the introduction if it is new, else at the first step with something left to do. */
  async open() {
    try {
      const opened = await this.#api.openLab(this.#labId);
      this.opening = { kind: 'loaded', opened };
      this.progress = opened.progress;
      const firstOpen = opened.progress.steps.findIndex((s) => !settled(s.status));
      // An offline-only step is no work the learner did.
      const started = opened.progress.steps.some((s) => s.status !== 'not_started' && s.status !== 'offline_only');
      this.select(started ? (firstOpen === -1 ? opened.lab.steps.length : firstOpen) : -1);
    } catch (rejection) {
      this.opening = { kind: 'failed', error: toApiError(rejection) };
    }
  }

  statusOf(stepId: string): StepStatus {
    return stepStatus(this.progress, stepId);
  }

  select(index: number) {
    if (this.opening.kind !== 'loaded') return;
    this.selected = index;
    this.lastRun = null;
    this.error = null;
    this.problems = [];
    const next = this.opening.opened.lab.steps[index];
    if (next) {
      this.values = loadDraft(this.#labId, next);
      void this.validate();
    }
  }

  /** The learner edited the form: keep the draft, and validate once they pause. */
  changed(next: FormValues) {
    this.values = next;
    if (this.step) saveDraft(this.#labId, this.step.id, next);
    clearTimeout(this.#validateTimer);
    this.#validateTimer = setTimeout(() => void this.validate(), this.#props.validateDelayMs);
  }

  async validate() {
    if (!this.step) return;
    const request = ++this.#validation;
    const stepId = this.step.id;
    try {
      const found = await this.#api.validateForm(this.#labId, stepId, plain(this.values));
      if (request === this.#validation && this.step?.id === stepId) this.problems = found;
    } catch (rejection) {
      if (request === this.#validation) this.error = toApiError(rejection);
    }
  }

  get #costKey() {
    return `awslab.costAccepted.${this.#labId}`;
  }

  /** Run, after the lab's cost was shown once on AWS. */
  requestRun(onAws: boolean) {
    if (onAws && localStorage.getItem(this.#costKey) === null) {
      this.confirmingCost = true;
      return;
    }
    void this.perform('run');
  }

  acceptCost() {
    localStorage.setItem(this.#costKey, String(Date.now()));
    this.confirmingCost = false;
    void this.perform('run');
  }

  // Run, Check, Export and Clean up replace the error shown before them; Hint, Skip and Reset
  // leave it until the page changes (as they always did).

  async perform(kind: 'run' | 'check') {
    const step = this.step;
    if (!step) return;
    await this.busyWhile(kind, async () => {
      this.error = null;
      const snapshot = plain(this.values);
      const outcome =
        kind === 'run'
          ? await this.#api.runStep(this.#labId, step.id, snapshot)
          : await this.#api.checkStep(this.#labId, step.id, snapshot);
      // The learner moved to another step meanwhile: this outcome is not the one on screen.
      if (this.step?.id !== step.id) return;
      this.lastRun = outcome.run;
      this.lastCharts = outcome.charts;
      this.progress = outcome.progress;
      this.problems = outcome.run.field_problems;
      // A question remembers what its latest try was told, for when the learner comes back.
      const answered = outcome.run.checks[0];
      if (step.question && answered?.feedback) {
        step.question.feedback = answered.feedback;
        step.question.earned = answered.points;
      }
    });
  }

  async hint() {
    const step = this.step;
    if (!step) return;
    await this.busyWhile('hint', async () => {
      this.progress = await this.#api.revealHint(this.#labId, step.id);
    });
  }

  async skip() {
    const { lab, step } = this;
    if (!lab || !step) return;
    await this.busyWhile('skip', async () => {
      this.progress = await this.#api.skipStep(this.#labId, step.id);
      this.select(Math.min(this.selected + 1, lab.steps.length));
    });
  }

  async reset() {
    await this.busyWhile('reset', async () => {
      this.confirmingReset = false;
      this.progress = await this.#api.resetLab(this.#labId);
      clearDrafts(this.#labId);
      for (const step of this.lab?.steps ?? []) {
        if (step.question) {
          step.question.feedback = null;
          step.question.earned = 0;
        }
      }
      this.select(-1);
    });
  }

  async cleanUp() {
    await this.busyWhile('cleanup', async () => {
      this.error = null;
      this.cleanup = await this.#api.cleanUpLab(this.#labId);
    });
  }

  async exportReport(locale: Locale) {
    await this.busyWhile('export', async () => {
      this.error = null;
      this.saved = await this.#api.exportReport(this.#labId, locale);
    });
  }

  /**
   * Runs `work` as the page's one action under way, named `action` meanwhile; does nothing if
   * another is under way. A failure becomes `error`; either way the page is not busy afterwards.
   */
  async busyWhile(action: BusyAction, work: () => Promise<void>) {
    if (this.busy) return;
    this.busy = action;
    const asking = LONG_WORK.includes(action) ? this.#askForNotes() : null;
    try {
      await work();
    } catch (rejection) {
      this.error = toApiError(rejection);
    } finally {
      if (asking !== null) clearInterval(asking);
      this.note = null;
      this.busy = null;
    }
  }

  /** Asks the Rust side every half second what the work under way waits for. */
  #askForNotes(): ReturnType<typeof setInterval> {
    return setInterval(() => {
      this.#api.progressNote().then(
        (note) => {
          if (this.busy !== null) this.note = note;
        },
        () => {},
      );
    }, NOTE_EVERY_MS);
  }
}

/** The form's values as plain JSON (not the reactive proxy) for the Rust side. */
function plain(form: FormValues): FormValues {
  return JSON.parse(JSON.stringify(form)) as FormValues;
}
