import { memoryTarget } from './memory-target.js';
import { defineMessagePortSuite } from './message-ports.js';
import { defineConformanceSuite } from './suite.js';

defineConformanceSuite(memoryTarget);
defineMessagePortSuite(memoryTarget);
