import type { ChildProcess } from 'node:child_process';

/** A port that was free on 127.0.0.1 a moment ago. */
export declare function freePort(): Promise<number>;

/** SIGTERM, then SIGKILL if the process has not exited after `graceMs`; resolves once it has exited. */
export declare function stopProcess(child: ChildProcess, graceMs: number): Promise<void>;

/** SIGKILLs `child` if this process exits while it still runs. */
export declare function killOnExit(child: ChildProcess): void;
