import { ApiRequestError, errorMessage } from "../api/api-client";
import { Alert } from "../ui/alert";

/**
 * Why a launch form's job could not be started: the server's message, and each field it named
 * when it named more than one (one is already in the message).
 */
export function LaunchError({ what, error }: { what: string; error: unknown }) {
  const details = error instanceof ApiRequestError ? error.details : [];
  return (
    <Alert tone="error" title={`The ${what} could not be started`}>
      <p>{errorMessage(error)}</p>
      {details.length > 1 ? (
        <ul className="mt-1 list-disc pl-5">
          {details.map((detail) => (
            <li key={`${detail.path}:${detail.message}`}>
              <span className="font-mono text-xs">{detail.path}</span>: {detail.message}
            </li>
          ))}
        </ul>
      ) : null}
    </Alert>
  );
}
