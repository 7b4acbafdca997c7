/**
 * Runs once when the web server starts: parse the environment now, so a bad variable stops the
 * server with a message naming it instead of failing every request later. The Node-only module is
 * imported behind the runtime check so the Edge bundle never sees it.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { checkEnvAtStart } = await import("./lib/check-env-at-start");
    checkEnvAtStart();
  }
}
