import { defineMessagePortSuite } from './message-ports.js';
import { defineConformanceSuite } from './suite.js';
import { workerTarget } from './worker-target.js';

defineConformanceSuite(workerTarget);
defineMessagePortSuite(workerTarget);
