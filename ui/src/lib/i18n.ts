// The interface's own words in both languages of the course. Lab text comes from the labs.
import type { HistoryKind, Localized, StepStatus } from './types';

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
  progressNotKept: string;
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
  emulatorSetAside: string;
  emulatorFailed: string;
  emulatorUnknown: string;
  openLab: string;
  continueLab: string;
  loadingLab: string;
  backToCatalog: string;
  stepsHeading: string;
  introduction: string;
  start: string;
  totalPoints(points: number): string;
  awsCost(usd: number): string;
  stepOf(number: number, total: number): string;
  status: Record<StepStatus, string>;
  formHeading: string;
  chooseOption: string;
  pairName: string;
  pairValue: string;
  removePair: string;
  run: string;
  running: string;
  check: string;
  checking: string;
  hint(shown: number, total: number): string;
  hintsHeading: string;
  skip: string;
  nextStep: string;
  resetLab: string;
  resetConfirm: string;
  resetYes: string;
  resetting: string;
  cancel: string;
  targetUnavailable: string;
  resetFailed: string;
  labChanged: string;
  formHasProblems(count: number): string;
  apiCalls: string;
  copyCli: string;
  copied: string;
  response: string;
  logLines: string;
  checkResults(earned: number, possible: number): string;
  points(earned: number, possible: number): string;
  checkPassed: string;
  checkFailed: string;
  /** A step whose action exists only offline, on AWS. */
  byHandOnAws: string;
  /** A step whose action exists only on AWS, offline. */
  byHandOffline: string;
  /** A step with no check graded on AWS. */
  offlineOnlyStep: string;
  /** Beside a check graded only offline, on AWS. */
  offlineOnlyCheck: string;
  resourceMissing: string;
  /** After a kept, answered or undone result's note: when the earlier result was recorded. */
  historyAt: (kind: HistoryKind, when: string) => string;
  property: string;
  expected: string;
  found: string;
  targetLabel: string;
  offlineTarget: string;
  awsTarget: string;
  account(id: string): string;
  changeTarget: string;
  profile: string;
  region: string;
  defaultChain: string;
  noProfiles: string;
  awsNote: string;
  connect: string;
  connecting: string;
  costTitle: string;
  costBody(usd: number, note: string): string;
  costCleanup: string;
  costGo: string;
  cleanUp: string;
  cleaningUp: string;
  cleanResult(deleted: number): string;
  /** After a clean clean-up: what becomes of the score. */
  cleanupKeepsProgress: string;
  notClean: string;
  close: string;
  exportReport: string;
  exporting: string;
  reportSaved(path: string, sha256: string): string;
  exportFailed: string;
  scoreOverTime: string;
  explorer: string;
  refresh: string;
  refreshing: string;
  explorerEmpty: string;
  iamRoles: string;
  iamPolicies: string;
  trusts: string;
  policies: string;
  tables: string;
  noItems: string;
  functions: string;
  noLogs: string;
  apis: string;
  method: string;
  path: string;
  send: string;
  requestBody: string;
  otherResources: string;
  terminal: string;
  instance: string;
  noInstance: string;
  commandLine: string;
  mailbox: string;
  noMail: string;
  mailFrom: string;
  mailTo: string;
  opening: string;
  alarmGraph: string;
  noAlarm: string;
  quizzesHeading: string;
  questions(count: number): string;
  questionsRight(right: number, total: number): string;
  questionPoints(points: number): string;
  questionSource(note: string): string;
  pickAllThatApply: string;
  choicesLegend: string;
  yourAnswer: string;
  numberFormats: string;
  answer: string;
  answering: string;
  /** A right answer: the points it earned, and on which try. */
  rightAnswer(earned: number, possible: number, attempt: number): string;
  /** A wrong first answer: one more try, worth `half` points. */
  wrongTryAgain(half: number): string;
  wrongSettled: string;
  theAnswer: string;
  explanation: string;
  questionSettled: string;
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
    progressNotKept: '실습은 볼 수 있지만, 파일을 열 수 있을 때까지 점수가 기록되지 않습니다.',
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
    emulatorSetAside: '손상된 저장 파일을 따로 옮겨 두었습니다',
    emulatorFailed: '오프라인 에뮬레이터를 시작하지 못했습니다',
    emulatorUnknown: '에뮬레이터 상태를 알 수 없습니다',
    openLab: '실습 시작',
    continueLab: '이어서 하기',
    loadingLab: '실습을 여는 중…',
    backToCatalog: '실습 목록',
    stepsHeading: '단계',
    introduction: '소개',
    start: '첫 단계로',
    totalPoints: (points) => `총 ${points}점`,
    awsCost: (usd) => `AWS 예상 비용 약 $${usd.toFixed(2)}`,
    stepOf: (number, total) => `${total}단계 중 ${number}단계`,
    status: { passed: '통과', failed: '실패', skipped: '건너뜀', not_started: '시작 전', offline_only: '오프라인 전용' },
    formHeading: '실행할 내용',
    chooseOption: '선택하세요',
    pairName: '이름',
    pairValue: '값',
    removePair: '이 줄 삭제',
    run: '실행',
    running: '실행 중…',
    check: '확인',
    checking: '확인 중…',
    hint: (shown, total) => `힌트 (${shown}/${total})`,
    hintsHeading: '힌트',
    skip: '건너뛰기',
    nextStep: '다음 단계',
    resetLab: '실습 초기화',
    resetConfirm: '이 실습의 리소스와 진도를 모두 지울까요?',
    resetYes: '초기화',
    resetting: '초기화 중…',
    cancel: '취소',
    targetUnavailable: '대상(에뮬레이터 또는 AWS)에 연결할 수 없습니다.',
    resetFailed: '일부 리소스를 지우지 못해 진도를 그대로 두었습니다.',
    labChanged: '실습 파일이 바뀌었습니다. 실습 목록에서 다시 여세요.',
    formHasProblems: (count) => `입력값 ${count}개를 고쳐야 합니다. 아무것도 보내지 않았습니다.`,
    apiCalls: 'API 호출',
    copyCli: 'CLI 복사',
    copied: '복사됨',
    response: '응답',
    logLines: 'Lambda 로그',
    checkResults: (earned, possible) => `채점 결과 ${earned} / ${possible}점`,
    points: (earned, possible) => `${earned}/${possible}점`,
    checkPassed: '통과',
    checkFailed: '실패',
    byHandOnAws: 'AWS에서는 이 단계를 직접 합니다. 설명에 나온 대로 한 뒤 [확인]을 누르세요.',
    byHandOffline: '이 단계의 실행은 AWS에서만 됩니다. 오프라인에서는 설명에 나온 대로 직접 한 뒤 [확인]을 누르세요.',
    offlineOnlyStep: '이 단계는 오프라인에서만 채점하므로 AWS에서는 점수가 없습니다. 설명을 읽고 다음 단계로 넘어가세요.',
    offlineOnlyCheck: '오프라인 전용 · AWS에서는 점수 없음',
    resourceMissing: '찾는 리소스가 없습니다.',
    historyAt: (kind, when) => (kind === 'answered' ? `답한 시각 ${when}` : `통과한 시각 ${when}`),
    property: '속성',
    expected: '기대값',
    found: '실제값',
    targetLabel: '대상',
    offlineTarget: '오프라인 에뮬레이터',
    awsTarget: '내 AWS 계정',
    account: (id) => `계정 ${id}`,
    changeTarget: '대상 바꾸기',
    profile: '프로필',
    region: '리전',
    defaultChain: '기본 자격 증명',
    noProfiles: 'AWS 설정(~/.aws/config)에 프로필이 없습니다. 환경 변수의 자격 증명을 씁니다.',
    awsNote: '실제 AWS에서는 요금이 나올 수 있습니다. 이 앱이 만든 리소스에만 손을 댑니다.',
    connect: '연결',
    connecting: '연결 중…',
    costTitle: '실제 AWS에서 실행하기 전에',
    costBody: (usd, note) => `이 실습의 예상 비용은 약 $${usd.toFixed(2)}입니다. ${note}`,
    costCleanup: '끝나면 "정리" 버튼으로 이 실습이 만든 리소스를 모두 지울 수 있습니다.',
    costGo: '알겠습니다, 실행',
    cleanUp: '정리',
    cleaningUp: '정리 중…',
    cleanResult: (deleted) => `${deleted}개를 지웠고, 이 실습이 만든 리소스는 남아 있지 않습니다.`,
    cleanupKeepsProgress: '점수는 만든 것의 기록으로 남습니다. 지우려면 ‘실습 초기화’를 누르세요.',
    notClean: '지우지 못한 리소스가 있습니다:',
    close: '닫기',
    exportReport: '보고서 저장',
    exporting: '저장 중…',
    reportSaved: (path, sha256) => `보고서를 저장했습니다: ${path} (SHA-256 ${sha256.slice(0, 12)}…)`,
    exportFailed: '보고서를 저장하지 못했습니다.',
    scoreOverTime: '시간에 따른 점수',
    explorer: '탐색기',
    refresh: '새로 고침',
    refreshing: '읽는 중…',
    explorerEmpty: '이 실습이 만든 리소스가 아직 없습니다.',
    iamRoles: 'IAM 역할',
    iamPolicies: 'IAM 정책',
    trusts: '신뢰',
    policies: '정책',
    tables: 'DynamoDB 테이블',
    noItems: '항목이 없습니다.',
    functions: 'Lambda 함수',
    noLogs: '아직 로그가 없습니다 (한 번도 실행되지 않음).',
    apis: 'REST API',
    method: '메서드',
    path: '경로',
    send: '보내기',
    requestBody: '요청 본문',
    otherResources: '그 밖의 리소스',
    terminal: '터미널',
    instance: '인스턴스',
    noInstance: '이 실습의 인스턴스가 아직 없습니다. 인스턴스를 시작하는 단계를 먼저 실행하세요.',
    commandLine: '명령',
    mailbox: '메일함',
    noMail: '아직 받은 메일이 없습니다.',
    mailFrom: '보낸 사람',
    mailTo: '받는 사람',
    opening: '여는 중…',
    alarmGraph: '경보 그래프',
    noAlarm: '이 실습의 경보가 아직 없습니다.',
    quizzesHeading: '개념 퀴즈',
    questions: (count) => `${count}문제`,
    questionsRight: (right, total) => `${total}문제 중 ${right}문제 맞힘`,
    questionPoints: (points) => `${points}점`,
    questionSource: (note) => `출처: 강의 노트 ${note}`,
    pickAllThatApply: '맞는 것을 모두 고르세요',
    choicesLegend: '보기',
    yourAnswer: '답',
    numberFormats: '1,000이나 1000, 3만처럼 써도 됩니다.',
    answer: '답하기',
    answering: '채점 중…',
    rightAnswer: (earned, possible, attempt) =>
      attempt === 1 ? `맞습니다! ${possible}점을 모두 받았습니다.` : `맞습니다. 두 번째에 맞혀 ${possible}점 중 ${earned}점을 받았습니다.`,
    wrongTryAgain: (half) => `맞지 않습니다. 한 번 더 답할 수 있고, 맞히면 절반(${half}점)을 받습니다.`,
    wrongSettled: '두 번 모두 맞지 않았습니다. 이 문제는 0점입니다.',
    theAnswer: '정답:',
    explanation: '해설',
    questionSettled: '끝난 문제입니다. 다시 풀려면 실습을 초기화하세요.',
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
    progressNotKept: 'You can open the labs, but scores are not recorded until the file can be opened.',
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
    emulatorSetAside: 'damaged saved state set aside',
    emulatorFailed: 'The offline emulator could not start',
    emulatorUnknown: 'Emulator status unknown',
    openLab: 'Start lab',
    continueLab: 'Continue',
    loadingLab: 'Opening the lab…',
    backToCatalog: 'Labs',
    stepsHeading: 'Steps',
    introduction: 'Introduction',
    start: 'First step',
    totalPoints: (points) => `${points} points`,
    awsCost: (usd) => `about $${usd.toFixed(2)} on AWS`,
    stepOf: (number, total) => `Step ${number} of ${total}`,
    status: { passed: 'passed', failed: 'failed', skipped: 'skipped', not_started: 'not started', offline_only: 'offline only' },
    formHeading: 'What to do',
    chooseOption: 'Choose…',
    pairName: 'Name',
    pairValue: 'Value',
    removePair: 'Remove this row',
    run: 'Run',
    running: 'Running…',
    check: 'Check',
    checking: 'Checking…',
    hint: (shown, total) => `Hint (${shown}/${total})`,
    hintsHeading: 'Hints',
    skip: 'Skip',
    nextStep: 'Next step',
    resetLab: 'Reset lab',
    resetConfirm: "Delete this lab's resources and progress?",
    resetYes: 'Reset',
    resetting: 'Resetting…',
    cancel: 'Cancel',
    targetUnavailable: 'The target (emulator or AWS) cannot be reached.',
    resetFailed: 'Some resources could not be deleted, so your progress was kept.',
    labChanged: 'The lab files changed. Open the lab again from the catalog.',
    formHasProblems: (count) =>
      count === 1 ? 'Fix 1 value in the form; nothing was sent.' : `Fix ${count} values in the form; nothing was sent.`,
    apiCalls: 'API calls',
    copyCli: 'Copy CLI',
    copied: 'Copied',
    response: 'Response',
    logLines: 'Lambda log',
    checkResults: (earned, possible) => `Checks: ${earned} / ${possible} points`,
    points: (earned, possible) => `${earned}/${possible} pts`,
    checkPassed: 'passed',
    checkFailed: 'failed',
    byHandOnAws: 'On AWS you do this step by hand, as the lesson describes; then press Check.',
    byHandOffline: 'Run works only on AWS for this step: offline, do it by hand as the lesson describes, then press Check.',
    offlineOnlyStep: 'This step is graded only offline, so on AWS it carries no points: read the lesson and go on.',
    offlineOnlyCheck: 'offline only · no points on AWS',
    resourceMissing: 'The resource does not exist.',
    historyAt: (kind, when) => (kind === 'answered' ? `answered ${when}` : `passed ${when}`),
    property: 'Property',
    expected: 'Expected',
    found: 'Found',
    targetLabel: 'Target',
    offlineTarget: 'Offline emulator',
    awsTarget: 'My AWS account',
    account: (id) => `account ${id}`,
    changeTarget: 'Change target',
    profile: 'Profile',
    region: 'Region',
    defaultChain: 'default credentials',
    noProfiles: 'No profiles in your AWS configuration (~/.aws/config); credentials from the environment are used.',
    awsNote: 'Real AWS may cost money. The app touches only what it created.',
    connect: 'Connect',
    connecting: 'Connecting…',
    costTitle: 'Before running on real AWS',
    costBody: (usd, note) => `This lab costs about $${usd.toFixed(2)} on AWS. ${note}`,
    costCleanup: 'When you are done, Clean up deletes everything this lab created.',
    costGo: 'Understood, run it',
    cleanUp: 'Clean up',
    cleaningUp: 'Cleaning up…',
    cleanResult: (deleted) => `Deleted ${deleted}; nothing this lab created is left.`,
    cleanupKeepsProgress: 'Your score stays, as a record of what you built; Reset lab clears it.',
    notClean: 'Some resources could not be deleted:',
    close: 'Close',
    exportReport: 'Save report',
    exporting: 'Saving…',
    reportSaved: (path, sha256) => `Report saved to ${path} (SHA-256 ${sha256.slice(0, 12)}…)`,
    exportFailed: 'The report could not be saved.',
    scoreOverTime: 'Score over time',
    explorer: 'Explorer',
    refresh: 'Refresh',
    refreshing: 'Reading…',
    explorerEmpty: 'Nothing of this lab exists on the target yet.',
    iamRoles: 'IAM roles',
    iamPolicies: 'IAM policies',
    trusts: 'trusts',
    policies: 'policies',
    tables: 'DynamoDB tables',
    noItems: 'No items.',
    functions: 'Lambda functions',
    noLogs: 'No logs yet (it never ran).',
    apis: 'REST APIs',
    method: 'Method',
    path: 'Path',
    send: 'Send',
    requestBody: 'Request body',
    otherResources: 'Other resources',
    terminal: 'Terminal',
    instance: 'Instance',
    noInstance: "This lab has no instance yet: run the step that launches it first.",
    commandLine: 'Command',
    mailbox: 'Mailbox',
    noMail: 'No e-mail yet.',
    mailFrom: 'From',
    mailTo: 'To',
    opening: 'Opening…',
    alarmGraph: 'Alarm graph',
    noAlarm: 'This lab has no alarm yet.',
    quizzesHeading: 'Concept quizzes',
    questions: (count) => (count === 1 ? '1 question' : `${count} questions`),
    questionsRight: (right, total) => `${right} of ${total} questions right`,
    questionPoints: (points) => (points === 1 ? '1 point' : `${points} points`),
    questionSource: (note) => `From course note ${note}`,
    pickAllThatApply: 'Pick all that apply',
    choicesLegend: 'Choices',
    yourAnswer: 'Your answer',
    numberFormats: 'Write 1,000 or 1000; Korean forms such as 3만 work too.',
    answer: 'Answer',
    answering: 'Grading…',
    rightAnswer: (earned, possible, attempt) =>
      attempt === 1 ? `Right! All ${possible} points.` : `Right on the second try: ${earned} of ${possible} points.`,
    wrongTryAgain: (half) => `Not right. You have one more try, worth half the points (${half}).`,
    wrongSettled: 'Not right twice: this question scores 0.',
    theAnswer: 'The answer:',
    explanation: 'Why',
    questionSettled: 'This question is settled. Reset the lab to answer it afresh.',
  },
};
