// Worker threads do not inherit tsx's loader on Node 20, so each thread registers it before
// importing the TypeScript task module.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
