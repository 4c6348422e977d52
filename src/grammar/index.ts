/**
 * JSON Schema → GBNF, sound by construction (every accepted text is valid), and the ajv validator
 * that checks generated JSON. No Nest in here.
 */
export { GbnfBuilder, schemaToGbnf } from './gbnf-builder';
export { GrammarCache } from './grammar-cache';
export { InvalidSchemaError, JsonValidator } from './json-validator';
export { loadRemoteDocuments } from './remote-documents';
export type { DocumentLoader, RemoteDocuments } from './remote-documents';
export type { JsonValidation } from './json-validator';
export { SchemaConversionError, formatIssue } from './schema-conversion-error';
export type { SchemaIssue } from './schema-conversion-error';
export type { ConversionOptions } from './schema-tree';
export { DECIMAL_INTEGER_DIGITS, FRACTION_DIGITS, INTEGER_DIGITS } from './number-grammar';
