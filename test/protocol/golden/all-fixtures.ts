import { frameFixtures, messageFixtures } from './message-fixtures.js';
import type { ValueFixture } from './value-fixture.js';
import { builtinFixtures } from './values-builtins.js';
import { containerFixtures } from './values-containers.js';
import { primitiveFixtures } from './values-primitives.js';

/** Every golden value fixture, in file order. */
export const valueFixtures: readonly ValueFixture[] = [
  ...primitiveFixtures,
  ...containerFixtures,
  ...builtinFixtures,
];

export { frameFixtures, messageFixtures };
