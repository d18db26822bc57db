import { ipcMockTarget } from './ipc-mock-target.js';
import { defineConformanceSuite } from './suite.js';

defineConformanceSuite(ipcMockTarget);
