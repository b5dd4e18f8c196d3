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
  ipcFailed: string;
  retry: string;
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
    ipcFailed: '앱 내부와 통신하지 못했습니다.',
    retry: '다시 불러오기',
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
    ipcFailed: 'Could not reach the app.',
    retry: 'Reload',
  },
};
