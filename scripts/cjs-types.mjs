// Declarations for CommonJS consumers: a copy of dist's .d.ts files under dist/types-cjs/, whose
// package.json says "commonjs". TypeScript reads a declaration file's format from the nearest
// package.json, so through the `require` export conditions a CommonJS project (module node16/node18)
// sees CommonJS modules and compiles its `import`s to `require()` without TS1479. At run time those
// `require()` calls load the ES modules themselves (Node >= 20.19 / 22.12 require ES modules).
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** Copies every `.d.ts` of `dist` (except the copy itself) to `dist/types-cjs`; returns how many. */
export function writeCjsTypes(dist) {
  const target = join(dist, 'types-cjs');
  let count = 0;
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (path !== target) walk(path);
      } else if (entry.name.endsWith('.d.ts')) {
        const copy = join(target, relative(dist, path));
        mkdirSync(dirname(copy), { recursive: true });
        copyFileSync(path, copy);
        count++;
      }
    }
  };
  walk(dist);
  writeFileSync(join(target, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
  return count;
}
