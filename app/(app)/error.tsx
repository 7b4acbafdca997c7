"use client";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

// A render error in a page keeps the shell (and the rest of the app) usable and offers a way back.
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="mx-auto w-full max-w-3xl py-12">
      <Alert
        tone="error"
        title="This page ran into a problem"
        actions={
          <Button variant="secondary" size="sm" onClick={reset}>
            Try again
          </Button>
        }
      >
        {error.digest ? `Reference: ${error.digest}` : "Please try again."}
      </Alert>
    </div>
  );
}
