import { memoryTarget } from './memory-target.js';
import { defineConformanceSuite } from './suite.js';

defineConformanceSuite(memoryTarget);
