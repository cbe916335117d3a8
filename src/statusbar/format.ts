// The formatters moved to src/shared/format.ts so the webviews can use them too; this keeps old imports working.
export * from '../shared/format';
