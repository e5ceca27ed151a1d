export { spamCorpus, splitCorpus, type CorpusMessage, type CorpusSplit } from './corpus.js';
export { DANGEROUS_CONTENT_TYPES, DANGEROUS_EXTENSIONS, inspectFilename, isDangerousContentType } from './dangerous-files.js';
export { evaluateSpamFilter, type SpamConfusion, type SpamEvaluation, type SpamEvaluationOptions } from './evaluate.js';
export type { SpamLabel } from './naive-bayes.js';
export { eicarSignature, gtubeSignature } from '../../contract/mail-signatures.js';
export { createSpamFilter, DEFAULT_SPAM_THRESHOLD, DEFAULT_USER_WEIGHT, type SpamFilterOptions } from './spam-filter.js';
export { spamMigrations } from './spam-schema.js';
export type { SpamAttachment, SpamFilter, SpamMessage, SpamRuleId, SpamVerdict } from './spam-types.js';
export { tokenize } from './tokenizer.js';
export {
  createVirusScanner,
  type ScannedAttachment,
  type ScanInput,
  type VirusScanResult,
  type VirusScanner,
  type VirusScannerOptions,
} from './virus-scanner.js';
