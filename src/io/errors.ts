/**
 * Errors that the CLI layer maps to one line and an exit code.
 * Loaders throw InputError with the position of the problem; option parsers throw UsageError.
 * Numerical trouble (non-convergence, infeasibility) is never an error: it is a status in a result.
 */

export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_LOCKED = 3;

export interface InputPosition {
  file?: string;
  /** 1-based row in the file, counting the header row as row 1 */
  row?: number;
  /** 1-based column number, or a column name */
  column?: number | string;
}

export class InputError extends Error {
  readonly code: string;
  readonly file?: string;
  readonly row?: number;
  readonly column?: number | string;
  readonly expected: string;

  constructor(code: string, expected: string, pos: InputPosition = {}) {
    super(formatInputMessage(expected, pos));
    this.name = 'InputError';
    this.code = code;
    this.expected = expected;
    this.file = pos.file;
    this.row = pos.row;
    this.column = pos.column;
  }
}

/** A bad command-line option or argument. */
export class UsageError extends Error {
  readonly option?: string;
  constructor(message: string, option?: string) {
    super(option ? `option ${option}: ${message}` : message);
    this.name = 'UsageError';
    this.option = option;
  }
}

/** Another process holds the lock on an output. */
export class LockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockedError';
  }
}

function formatInputMessage(expected: string, pos: InputPosition): string {
  const where: string[] = [];
  if (pos.file) where.push(pos.file);
  if (pos.row !== undefined) where.push(`row ${pos.row}`);
  if (pos.column !== undefined) {
    where.push(typeof pos.column === 'number' ? `column ${pos.column}` : `column ${pos.column}`);
  }
  return where.length ? `${where.join(', ')}: ${expected}` : expected;
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof InputError || err instanceof UsageError) return EXIT_BAD_INPUT;
  if (err instanceof LockedError) return EXIT_LOCKED;
  return EXIT_RUNTIME;
}

/** An error as plain data, to cross a thread or process boundary with its class and position. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  expected?: string;
  file?: string;
  row?: number;
  column?: number | string;
  option?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const x = e as Error & Partial<Omit<SerializedError, 'name' | 'message'>>;
  return { name: e.name, message: e.message, code: x.code, expected: x.expected, file: x.file, row: x.row, column: x.column, option: x.option };
}

/** The error serializeError described, of the same class (so it maps to the same exit code). */
export function deserializeError(s: SerializedError): Error {
  let e: Error;
  if (s.name === 'InputError') e = new InputError(s.code ?? 'ERROR', s.expected ?? s.message, { file: s.file, row: s.row, column: s.column });
  else if (s.name === 'UsageError') e = new UsageError(s.message);
  else if (s.name === 'LockedError') e = new LockedError(s.message);
  else {
    e = new Error(s.message);
    e.name = s.name;
  }
  e.message = s.message;
  return e;
}
