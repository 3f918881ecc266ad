/**
 * Complaint enrichment by text: topic (./classifier.ts), sentiment (./sentiment.ts) and emerging terms
 * (./terms.ts). Pure functions; the only I/O is loading registry packages' word lists once, on import.
 */
export {
  buildClassifier,
  type ClassifierOptions,
  keywordProblem,
  type TopicClassifier,
  type TopicDefinition,
  type TopicEvidence,
  type TopicResult,
} from "./classifier";
export { sentimentScore } from "./sentiment";
export {
  type EmergingTerm,
  type EmergingTermsInput,
  emergingTerms,
  extractTerms,
  type TermBaseline,
  type TermExclusion,
  termExclusion,
} from "./terms";
