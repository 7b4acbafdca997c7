import type { ReactNode } from "react";
import { errorMessage } from "./api/api-client";
import { Alert } from "./ui/alert";
import { Button } from "./ui/button";

/** A read that failed: what could not be loaded, why, and a button to try again. */
export function QueryError({ title, query }: { title: ReactNode; query: { error: unknown; refetch(): unknown } }) {
  return (
    <Alert
      tone="error"
      title={title}
      actions={
        <Button variant="secondary" size="sm" onClick={() => void query.refetch()}>
          Retry
        </Button>
      }
    >
      {errorMessage(query.error)}
    </Alert>
  );
}
