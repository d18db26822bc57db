/*
 * Standard Schema, version 1 (https://standardschema.dev): the interface zod (3.24+), valibot (1+),
 * arktype (2+) and others implement under the `~standard` key. The specification asks libraries that
 * accept schemas to declare the interface themselves rather than depend on a package for it; these
 * declarations are ours, and structurally what those libraries produce. Types only.
 */

/** A schema of any Standard Schema library: validates an unknown value into `Output`. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': StandardSchemaProps<Input, Output>;
}

/** What a Standard Schema exposes under `~standard`. */
export interface StandardSchemaProps<Input = unknown, Output = Input> {
  /** Always `1` for this version of the specification. */
  readonly version: 1;
  /** The library that made the schema (`'zod'`, `'valibot'`, `'arktype'`, ...). */
  readonly vendor: string;
  /** Checks `value`: the (possibly transformed) value, or the issues found; a Promise for async schemas. */
  readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
  /** Type-level only: what the schema takes and gives. */
  readonly types?: { readonly input: Input; readonly output: Output } | undefined;
}

/** A validation's outcome: success carries `value` and no `issues`; failure carries `issues`. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly StandardIssue[] };

/** One problem a schema found. */
export interface StandardIssue {
  readonly message: string;
  /** Where in the value: keys, or `{ key }` segments. */
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
}
