import { IpcError, IpcErrorCode } from '../protocol/errors.js';
import { describeValue } from '../protocol/options.js';
import type { StandardIssue, StandardResult, StandardSchemaV1 } from './standard-schema.js';

/*
 * A typed channel's validator at run time: a function that throws (or rejects) on bad arguments, or a
 * Standard Schema (zod, valibot, arktype, ...) of the argument list. Checked once when a typed view is
 * made, so a validator that could never run (a number, a schema of another interface) is refused then,
 * not silently skipped at every message.
 */

/**
 * Checks a channel's arguments at run time: throws (anything; its message is reported) when they are
 * wrong, returns when they are right. A returned Promise is awaited: rejecting refuses the arguments.
 */
export type ArgsValidator = (args: unknown[]) => void | PromiseLike<void>;

/** A Standard Schema of a channel's argument list (`z.tuple([z.string()])`, `v.tuple(...)`, `type([...])`). */
export type ArgsSchema = StandardSchemaV1<unknown, readonly unknown[]>;

/** What `validate` takes per channel: a function validator or a Standard Schema of the arguments. */
export type ChannelValidator = ArgsValidator | ArgsSchema;

/** What checking one message's arguments found: the arguments to pass on, or why they are refused. */
export type Verdict =
  | { readonly ok: true; readonly args: unknown[] }
  | { readonly ok: false; readonly reason: unknown };

/** A refusal's issues as a schema reported them (also on the error as `issues`). */
export interface SchemaIssuesError extends TypeError {
  readonly issues: readonly StandardIssue[];
}

/** Issues named in a refusal's message; the rest are counted (a hostile message can have thousands). */
const SHOWN_ISSUES = 3;
const MAX_ISSUE_MESSAGE = 200;
const MAX_ISSUE_PATH = 120;

/** True when `value` has a Standard Schema's `~standard.validate` (arktype's schemas are functions too). */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const props = (value as { '~standard'?: unknown })['~standard'];
  return (
    typeof props === 'object' &&
    props !== null &&
    typeof (props as { validate?: unknown }).validate === 'function'
  );
}

/**
 * The validators of a `validate` option, checked: `undefined` when there are none (the typed function
 * then returns the object it was given).
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` for a `validate` that is not an object, or a channel whose
 *   validator is neither a function nor a Standard Schema of version 1.
 */
export function checkedValidators(
  where: string,
  validate: unknown,
): Map<string, ChannelValidator> | undefined {
  if (validate === undefined) return undefined;
  if (typeof validate !== 'object' || validate === null || Array.isArray(validate)) {
    throw invalid(
      `${where}: validate must be an object mapping channel names to validators (got ${describeValue(validate)}).`,
    );
  }
  // Read once: the view checks what was given here, whatever happens to the object later.
  const validators = new Map<string, ChannelValidator>();
  for (const [channel, validator] of Object.entries(validate)) {
    if (validator === undefined) continue;
    if (isStandardSchema(validator)) {
      const version = validator['~standard'].version;
      if (version !== 1) {
        throw invalid(
          `${where}: validate['${channel}'] is a Standard Schema of version ${describeValue(version)}; only version 1 is supported.`,
        );
      }
      validators.set(channel, validator as ArgsSchema);
    } else if (typeof validator === 'function') {
      validators.set(channel, validator as ArgsValidator);
    } else {
      throw invalid(
        `${where}: validate['${channel}'] must be a function that throws on bad arguments, or a Standard Schema of the argument list such as zod's z.tuple([...]), valibot's v.tuple([...]) or arktype's type([...]) (got ${describeValue(validator)}${
          typeof validator === 'object' && validator !== null
            ? ' without a ~standard.validate function; for a schema library without Standard Schema, pass (args) => schema.parse(args)'
            : ''
        }).`,
      );
    }
  }
  return validators.size > 0 ? validators : undefined;
}

/**
 * Runs `validator` on `args`: a verdict at once for synchronous validators and schemas, a Promise of
 * one (that never rejects) for asynchronous ones. A schema's output is what passes on (zod strips
 * unknown keys, transforms apply); it must be an array, the arguments.
 */
export function checkArgs(validator: ChannelValidator, args: unknown[]): Verdict | Promise<Verdict> {
  if (isStandardSchema(validator)) {
    let result: unknown;
    try {
      result = validator['~standard'].validate(args);
    } catch (error) {
      return { ok: false, reason: error };
    }
    return isThenable(result) ? Promise.resolve(result).then(verdictOf, refusal) : verdictOf(result);
  }
  let returned: unknown;
  try {
    returned = (validator as ArgsValidator)(args);
  } catch (error) {
    return { ok: false, reason: error };
  }
  if (!isThenable(returned)) return { ok: true, args };
  return Promise.resolve(returned).then(() => ({ ok: true, args }), refusal);
}

/** True for a Promise (or any thenable) a validator returned. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function refusal(reason: unknown): Verdict {
  return { ok: false, reason };
}

/** A schema's result as a verdict. */
function verdictOf(result: unknown): Verdict {
  if (typeof result !== 'object' || result === null) {
    return refusal(new TypeError('the schema returned neither { value } nor { issues }'));
  }
  const { issues, value } = result as StandardResult<unknown> & { value?: unknown };
  if (issues !== undefined) return refusal(issuesError(issues));
  if (!Array.isArray(value)) {
    return refusal(
      new TypeError(
        `the schema's output is ${describeValue(value)}, not the argument list: validate the arguments with a tuple or array schema`,
      ),
    );
  }
  return { ok: true, args: value };
}

/** A TypeError naming the first issues (`args[0].name: Expected string`), with all of them attached. */
function issuesError(issues: readonly StandardIssue[]): SchemaIssuesError {
  const list = Array.isArray(issues) ? issues : [];
  const shown = list.slice(0, SHOWN_ISSUES).map(describeIssue);
  if (list.length > SHOWN_ISSUES) shown.push(`and ${list.length - SHOWN_ISSUES} more`);
  const text = shown.length > 0 ? shown.join('; ') : 'the schema refused the arguments';
  return Object.assign(new TypeError(text), { issues: list });
}

function describeIssue(issue: StandardIssue): string {
  const raw = typeof issue?.message === 'string' ? issue.message : 'invalid';
  const message = raw.length > MAX_ISSUE_MESSAGE ? `${raw.slice(0, MAX_ISSUE_MESSAGE)}…` : raw;
  const path = Array.isArray(issue?.path) ? issue.path : [];
  if (path.length === 0) return message;
  let where = 'args';
  for (const segment of path) {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    if (typeof key === 'number') where += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) where += `.${key}`;
    else where += `[${typeof key === 'string' ? JSON.stringify(key.slice(0, 60)) : String(key)}]`;
    if (where.length > MAX_ISSUE_PATH) {
      where = `${where.slice(0, MAX_ISSUE_PATH)}…`;
      break;
    }
  }
  return `${where}: ${message}`;
}

function invalid(message: string): IpcError {
  return new IpcError(IpcErrorCode.InvalidArgument, message);
}
