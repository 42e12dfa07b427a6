import { spawn, type ChildProcess } from 'node:child_process';

/**
 * The watchdog's own code: every 250 ms, exit when the child is gone; when the parent is gone
 * (killed with -9, so it could not stop its child), SIGTERM the child, SIGKILL it 3 s later, exit.
 */
const SCRIPT = `
const [parent, child] = process.argv.slice(1, 3).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const timer = setInterval(() => {
  if (!alive(child)) process.exit(0);
  if (alive(parent)) return;
  clearInterval(timer);
  try { process.kill(child, 'SIGTERM'); } catch {}
  setTimeout(() => { try { process.kill(child, 'SIGKILL'); } catch {} process.exit(0); }, 3000);
}, 250);
`;

/**
 * Makes sure `childPid` does not outlive `parentPid`: a detached process that stops the child if the
 * parent dies without doing so (kill -9, crash). `label` only tags its command line (e.g. DATA_DIR).
 */
export function startWatchdog(parentPid: number, childPid: number, label: string): ChildProcess {
  const w = spawn(process.execPath, ['-e', SCRIPT, String(parentPid), String(childPid), `watchdog:${label}`], {
    detached: true,
    stdio: 'ignore',
  });
  w.unref();
  return w;
}
