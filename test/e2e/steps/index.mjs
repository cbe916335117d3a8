// The end-to-end checks, in the order they run. Later steps may rely on what earlier ones left open.
import { keyboardOnlyWalk, noAxeViolations } from './accessibility.mjs';
import { chartSteps, sidebarWelcome } from './charts.mjs';
import { connectionSteps } from './connections.mjs';
import { panelFitsAndStandsOut, sessionsTableReads, sidebarLooksNative, statusTooltipFits, walkthroughOnFirstRun } from './firstLook.mjs';
import { headroomAndCostSteps } from './headroomAndCost.mjs';
import { oneNumberEverywhere } from './oneNumber.mjs';
import { runawayReleasedFromNotification } from './runaways.mjs';
import { sessionSteps } from './sessions.mjs';
import { showLogOpensOutputChannel } from './showLog.mjs';
import { teamPrometheus } from './teamPrometheus.mjs';
import { workbenchLoadsAndExtensionActivates } from './workbench.mjs';

/** @type {import('../support.mjs').E2eStep[]} */
export const steps = [
  workbenchLoadsAndExtensionActivates,
  // The first start opens it: right after the workbench loads.
  walkthroughOnFirstRun,
  showLogOpensOutputChannel,
  // The hover is looked at once both connections are added.
  ...insertAfter(connectionSteps, 'add-browserbase-connection-through-ui', statusTooltipFits),
  ...chartSteps,
  sidebarLooksNative,
  panelFitsAndStandsOut,
  oneNumberEverywhere,
  ...sessionSteps,
  sessionsTableReads,
  // The headroom step leaves its runaway row listed in the sessions panel (the server reset behind it),
  // so the axe step checks the runaway mark, the headroom text and the cycle view too.
  ...headroomAndCostSteps,
  noAxeViolations,
  // Launches one session and releases it again on the server.
  keyboardOnlyWalk,
  // Reloads the window; leaves the server reset and the direct connection re-read for the team step.
  runawayReleasedFromNotification,
  teamPrometheus,
  // Removes every connection: last.
  sidebarWelcome,
];

/**
 * @param {import('../support.mjs').E2eStep[]} list
 * @param {string} name
 * @param {import('../support.mjs').E2eStep} step
 */
function insertAfter(list, name, step) {
  const index = list.findIndex((entry) => entry.name === name);
  if (index < 0) throw new Error(`no step ${name} to follow`);
  return [...list.slice(0, index + 1), step, ...list.slice(index + 1)];
}
