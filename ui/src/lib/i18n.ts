// The interface's own words in both languages of the course. Lab text comes from the labs.
import type { Localized } from './types';

export type Locale = keyof Localized;

export const locales: readonly Locale[] = ['ko', 'en'];

export const localeNames: Record<Locale, string> = { ko: '한국어', en: 'English' };

export interface Messages {
  tagline: string;
  languageLabel: string;
  catalogHeading: string;
  loading: string;
  noLabs: string;
  minutes(count: number): string;
  steps(count: number): string;
  problemsHeading(count: number): string;
  problemsHint: string;
  labsUnavailable: string;
  progressUnavailable: string;
  progressRecovered: string;
  ipcFailed: string;
  retry: string;
  score(earned: number, possible: number): string;
  stepsPassed(passed: number, total: number): string;
  progressLabel: string;
  passed: string;
  continueMarker: string;
  lastWorked(when: string): string;
  notStarted: string;
  emulatorStarting: string;
  emulatorRunning(endpoint: string): string;
  emulatorInMemory: string;
  emulatorFailed: string;
  emulatorUnknown: string;
}

/** A moment (unix milliseconds) as the learner reads dates in `locale`. */
export function formatWhen(locale: Locale, unixMs: number): string {
  return new Intl.DateTimeFormat(locale === 'ko' ? 'ko-KR' : 'en-US', {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(unixMs));
}

export const messages: Record<Locale, Messages> = {
  ko: {
    tagline: 'AWS 서버리스 실습',
    languageLabel: '언어',
    catalogHeading: '실습 목록',
    loading: '실습을 불러오는 중…',
    noLabs: '아직 실습이 없습니다.',
    minutes: (count) => `약 ${count}분`,
    steps: (count) => `${count}단계`,
    problemsHeading: (count) => `불러오지 못한 실습 ${count}개`,
    problemsHint: '아래 파일을 고친 뒤 다시 불러오세요.',
    labsUnavailable: '실습 폴더를 읽을 수 없습니다.',
    progressUnavailable: '진도 파일을 열 수 없습니다.',
    progressRecovered: '진도 파일이 손상되어 새 파일로 다시 시작했습니다.',
    ipcFailed: '앱 내부와 통신하지 못했습니다.',
    retry: '다시 불러오기',
    score: (earned, possible) => `${earned} / ${possible}점`,
    stepsPassed: (passed, total) => `${total}단계 중 ${passed}단계 통과`,
    progressLabel: '진행률',
    passed: '합격',
    continueMarker: '이어서 하기',
    lastWorked: (when) => `마지막 학습: ${when}`,
    notStarted: '아직 시작하지 않음',
    emulatorStarting: '오프라인 에뮬레이터를 시작하는 중…',
    emulatorRunning: (endpoint) => `오프라인 에뮬레이터 실행 중: ${endpoint}`,
    emulatorInMemory: '상태를 메모리에만 보관합니다',
    emulatorFailed: '오프라인 에뮬레이터를 시작하지 못했습니다',
    emulatorUnknown: '에뮬레이터 상태를 알 수 없습니다',
  },
  en: {
    tagline: 'AWS serverless labs',
    languageLabel: 'Language',
    catalogHeading: 'Labs',
    loading: 'Loading labs…',
    noLabs: 'No labs yet.',
    minutes: (count) => `about ${count} min`,
    steps: (count) => (count === 1 ? '1 step' : `${count} steps`),
    problemsHeading: (count) =>
      count === 1 ? '1 lab could not be loaded' : `${count} labs could not be loaded`,
    problemsHint: 'Fix the files below, then reload.',
    labsUnavailable: 'The labs folder could not be read.',
    progressUnavailable: 'Your progress file could not be opened.',
    progressRecovered: 'Your progress file was damaged; a new one was started.',
    ipcFailed: 'Could not reach the app.',
    retry: 'Reload',
    score: (earned, possible) => `${earned} / ${possible} points`,
    stepsPassed: (passed, total) =>
      total === 1 ? `${passed} of 1 step passed` : `${passed} of ${total} steps passed`,
    progressLabel: 'Progress',
    passed: 'Passed',
    continueMarker: 'Continue',
    lastWorked: (when) => `Last worked on ${when}`,
    notStarted: 'Not started yet',
    emulatorStarting: 'Starting the offline emulator…',
    emulatorRunning: (endpoint) => `Offline emulator running at ${endpoint}`,
    emulatorInMemory: 'state kept in memory only',
    emulatorFailed: 'The offline emulator could not start',
    emulatorUnknown: 'Emulator status unknown',
  },
};
