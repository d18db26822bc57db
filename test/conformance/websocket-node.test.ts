import { defineMessagePortSuite } from './message-ports.js';
import { defineConformanceSuite } from './suite.js';
import { websocketNodeTarget } from './websocket-node-target.js';

defineConformanceSuite(websocketNodeTarget);
defineMessagePortSuite(websocketNodeTarget);
