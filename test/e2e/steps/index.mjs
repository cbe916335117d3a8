// The end-to-end checks, in the order they run. Later steps may rely on what earlier ones left open.
import { chartSteps, sidebarWelcome } from './charts.mjs';
import { connectionSteps } from './connections.mjs';
import { oneNumberEverywhere } from './oneNumber.mjs';
import { sessionSteps } from './sessions.mjs';
import { showLogOpensOutputChannel } from './showLog.mjs';
import { teamPrometheus } from './teamPrometheus.mjs';
import { workbenchLoadsAndExtensionActivates } from './workbench.mjs';

/** @type {import('../support.mjs').E2eStep[]} */
export const steps = [
  workbenchLoadsAndExtensionActivates,
  showLogOpensOutputChannel,
  ...connectionSteps,
  ...chartSteps,
  oneNumberEverywhere,
  ...sessionSteps,
  teamPrometheus,
  // Removes every connection: last.
  sidebarWelcome,
];
