import { readdirSync, readFileSync } from 'node:fs';

/**
 * The processes of a process group that still run, each as `pid (name)`: a zombie (exited, not yet reaped by init)
 * does not count. Linux only (reads /proc). For checking that a command and all it started are gone.
 */
export function groupMembers(group: number): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // After the name in parentheses (which may hold spaces): the state, the parent, the process group.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      if (Number(pgrp) === group && state !== 'Z') found.push(stat.slice(0, stat.lastIndexOf(')') + 1));
    } catch {
      // gone while listing
    }
  }
  return found;
}

/** What still runs of a process group once all of it stopped or `withinMs` passed: empty when it all stopped. */
export async function leftAfter(group: number, withinMs: number): Promise<string[]> {
  const until = Date.now() + withinMs;
  while (groupMembers(group).length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  return groupMembers(group);
}
