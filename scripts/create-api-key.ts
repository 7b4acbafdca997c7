import { createApiKey } from "../lib/auth/api-keys";
import { createDb, disconnectDb } from "../lib/db";

/** `npm run api-key:create -- <email> [name]` — creates an API key and prints it once. */
const [email, name = "script"] = process.argv.slice(2);
if (!email) {
  console.error("Usage: npm run api-key:create -- <user email> [key name]");
  process.exit(2);
}
const db = createDb();
try {
  const user = await db.user.findUnique({ where: { email: email.toLowerCase() } });
  if (!user) {
    console.error(`No user with email ${email}`);
    process.exitCode = 1;
  } else {
    const { key, record } = await createApiKey(user.id, name, { db });
    console.log(`API key "${record.name}" for ${user.email} (${user.role}). It is shown only once:\n\n  ${key}\n`);
    console.log(`Use it as: curl -H "Authorization: Bearer ${key}" http://localhost:3000/api/v1/queues`);
  }
} finally {
  await disconnectDb(db);
}
