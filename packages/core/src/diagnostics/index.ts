export { errorMessage } from './error-message.ts';
export { compareDiagnostics, formatDiagnostic, formatKeyPath, type Diagnostic, type SourcePosition } from './diagnostic.ts';
export { unpositionedDocument, validationDiagnostics, type PositionedDocument, type ValidationIssue } from './validation.ts';
export { positionedYamlDocument, type PositionedTextDocument } from './yaml-positions.ts';
export { ConfigFileError, parseValidatedYaml, type SafeParser } from './validated-yaml.ts';
