import { env, EnvError } from "./env";

/** Parses the environment when the web server starts; a bad variable stops it with its name. */
export function checkEnvAtStart(): void {
  try {
    env();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
