import { defineConformanceSuite } from './suite.js';
import { workerTarget } from './worker-target.js';

defineConformanceSuite(workerTarget);
