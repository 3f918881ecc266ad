/** Intake: parsing complaint bodies and files, and mapping webhook payloads to complaint records. */
export { type BodyFormat, type BodyItem, detectBodyFormat, parseIntakeBody } from "./body";
export { type ByteChunk, type ChunkSource, peekFirstNonWhitespace } from "./chunks";
export { CSV_NUMERIC_COLUMNS, type CsvItem, type CsvOptions, parseCsv } from "./csv";
export { htmlToText } from "./html-text";
export { type JsonArrayItem, MalformedJsonError, parseJsonArray } from "./json-array";
export { API_BODY_LIMITS, IntakeLimitError, limitBytes, limitRecords } from "./limits";
export {
  isMapperName,
  MAPPER_NAMES,
  type MapContext,
  type MapperName,
  type MapResult,
  mapPayload,
} from "./mappers";
export { type NdjsonItem, type NdjsonOptions, parseNdjson } from "./ndjson";
export * from "./record";
