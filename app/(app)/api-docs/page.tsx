import type { Metadata } from "next";
import { ApiReference } from "@/components/api-docs/api-reference";
import { PageHeader } from "@/components/page-header";
import { openApiDocument } from "@/lib/openapi/document";

export const metadata: Metadata = { title: "API reference" };

export default async function ApiDocsPage() {
  const document = await openApiDocument();
  return (
    <>
      <PageHeader
        title="API reference"
        description={
          <>
            Every endpoint of the REST API and every queue&apos;s job data, generated from the routes and the job catalogue. The same as{" "}
            <a href="/api/v1/openapi.json" className="font-mono text-indigo-700 hover:underline dark:text-indigo-300">
              /api/v1/openapi.json
            </a>{" "}
            (OpenAPI 3.1).
          </>
        }
      />
      <ApiReference document={document} />
    </>
  );
}
