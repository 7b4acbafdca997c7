import type { OpenApiDocument, Operation } from "@/lib/openapi/document";
import { Badge, type BadgeTone } from "../ui/badge";
import { Card, CardBody, CardHeader } from "../ui/card";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
import { InlineText, Paragraphs } from "./inline-text";
import { SchemaLink, SchemaView, schemaAnchor } from "./schema-view";

/*
 * The OpenAPI document as a page: operations grouped by tag, each with method, path, access,
 * parameters, body and answers, then every queue's job data and result. A server component over
 * the document object itself (no client script, nothing fetched from elsewhere), built from the
 * app's own table, card and badge, so it reads like the rest of the app.
 */

const METHOD_TONES: Record<string, BadgeTone> = { get: "info", post: "success", put: "accent", patch: "warning", delete: "danger" };

interface Entry {
  method: string;
  path: string;
  operation: Operation;
}

function byTag(document: OpenApiDocument): Map<string, Entry[]> {
  const groups = new Map<string, Entry[]>(document.tags.map((tag) => [tag.name, []]));
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      for (const tag of operation.tags) groups.get(tag)?.push({ method, path, operation });
    }
  }
  return groups;
}

function MethodBadge({ method }: { method: string }) {
  return (
    <Badge tone={METHOD_TONES[method] ?? "neutral"} className="w-16 justify-center font-mono">
      {method.toUpperCase()}
    </Badge>
  );
}

function AccessBadges({ operation }: { operation: Operation }) {
  const access = operation["x-access"];
  return (
    <span className="flex flex-wrap items-center gap-1.5">
      {access === "public" ? <Badge>public</Badge> : null}
      {access === "user" || access === "admin" ? <Badge tone="accent">session cookie or API key</Badge> : null}
      {access === "token" ? <Badge tone="accent">{`own credentials: ${operation.security.flatMap((requirement) => Object.keys(requirement)).join(", ")}`}</Badge> : null}
      {access === "admin" ? <Badge tone="warning">role ADMIN</Badge> : null}
      {access === "user" ? <Badge>ADMIN or PLANNER</Badge> : null}
    </span>
  );
}

function OperationCard({ entry }: { entry: Entry }) {
  const { method, path, operation } = entry;
  const body = operation.requestBody;
  return (
    <Card id={operation.operationId} aria-labelledby={`${operation.operationId}-title`} className="scroll-mt-20">
      <CardHeader
        as="h3"
        titleId={`${operation.operationId}-title`}
        title={
          <span className="flex flex-wrap items-center gap-2">
            <MethodBadge method={method} />{" "}
            <code className="font-mono text-sm break-all">{path}</code>
          </span>
        }
        description={operation.summary}
        actions={<AccessBadges operation={operation} />}
      />
      <CardBody className="space-y-4 text-sm text-slate-700 dark:text-slate-300">
        {operation.description ? <Paragraphs text={operation.description} /> : null}
        {operation.parameters.length > 0 ? (
          <div>
            <h4 className="mb-2 font-medium text-slate-900 dark:text-white">Parameters</h4>
            <Table caption={`Parameters of ${method.toUpperCase()} ${path}`} wrapperClassName="rounded-lg ring-1 ring-slate-200 dark:ring-slate-800">
              <THead>
                <Th>name</Th>
                <Th>in</Th>
                <Th>type</Th>
                <Th>required</Th>
                <Th>meaning</Th>
              </THead>
              <TBody>
                {operation.parameters.map((parameter) => (
                  <Tr key={`${parameter.in}:${parameter.name}`}>
                    <Td rowHeader className="font-mono text-xs font-medium">
                      {parameter.name}
                    </Td>
                    <Td className="text-xs">{parameter.in}</Td>
                    <Td className="font-mono text-xs">
                      {parameter.schema.enum ? parameter.schema.enum.map((value) => JSON.stringify(value)).join(" | ") : (parameter.schema.type ?? "string")}
                    </Td>
                    <Td className="text-xs">{parameter.required ? "yes" : "no"}</Td>
                    <Td className="text-xs">{parameter.description ? <InlineText text={parameter.description} /> : null}</Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
          </div>
        ) : null}
        {body ? (
          <div>
            <h4 className="mb-2 font-medium text-slate-900 dark:text-white">
              Request body <span className="font-normal text-slate-500">(application/json{body.required ? "" : ", optional"})</span>
            </h4>
            <SchemaView schema={body.content["application/json"].schema} label={`Body of ${method.toUpperCase()} ${path}`} />
          </div>
        ) : null}
        <div>
          <h4 className="mb-2 font-medium text-slate-900 dark:text-white">Responses</h4>
          <ul className="space-y-1.5">
            {Object.entries(operation.responses).map(([status, response]) => {
              const schema = response.content?.["application/json"]?.schema;
              return (
                <li key={status} className="flex gap-3">
                  <Badge tone={status.startsWith("2") ? "success" : status.startsWith("5") ? "danger" : "warning"} className="h-fit font-mono">
                    {status}
                  </Badge>
                  <span className="min-w-0">
                    <InlineText text={response.description} />
                    {schema?.$ref ? (
                      <>
                        {" "}
                        → <SchemaLink name={schema.$ref.slice(schema.$ref.lastIndexOf("/") + 1)} />
                      </>
                    ) : null}
                    {Object.keys(response.content ?? {}).some((type) => type !== "application/json") ? (
                      <span className="text-slate-500"> ({Object.keys(response.content!).join(", ")})</span>
                    ) : null}
                  </span>
                </li>
              );
            })}
          </ul>
        </div>
      </CardBody>
    </Card>
  );
}

export function ApiReference({ document }: { document: OpenApiDocument }) {
  const groups = byTag(document);
  const schemes = Object.entries(document.components.securitySchemes);
  return (
    <div className="space-y-10">
      <Card aria-labelledby="api-overview">
        <CardHeader titleId="api-overview" title={`${document.info.title} (${document.info.version})`} description={`OpenAPI ${document.openapi}`} />
        <CardBody className="space-y-4 text-sm text-slate-700 dark:text-slate-300">
          <Paragraphs text={document.info.description} />
          <div>
            <h3 className="mb-2 font-medium text-slate-900 dark:text-white">Authentication</h3>
            <ul className="list-disc space-y-1 pl-5">
              {schemes.map(([name, scheme]) => (
                <li key={name}>
                  <span className="font-mono text-xs">{name}</span> ({scheme.type === "http" ? `${scheme.scheme} token` : `${scheme.in} ${scheme.name}`}):{" "}
                  <InlineText text={scheme.description ?? ""} />
                </li>
              ))}
            </ul>
          </div>
          <nav aria-label="Operations">
            <h3 className="mb-2 font-medium text-slate-900 dark:text-white">Operations</h3>
            <div className="grid gap-x-8 gap-y-4 sm:grid-cols-2 lg:grid-cols-3">
              {[...groups].map(([tag, entries]) => (
                <div key={tag}>
                  <a href={`#tag-${tag}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                    {tag}
                  </a>
                  <ul className="mt-1 space-y-0.5">
                    {entries.map(({ method, path, operation }) => (
                      <li key={operation.operationId} className="flex items-baseline gap-2 text-xs">
                        <span className="w-12 shrink-0 font-mono text-slate-500">{method.toUpperCase()}</span>
                        <a href={`#${operation.operationId}`} className="font-mono break-all hover:underline">
                          {path.replace(/^\/api\/v1/, "")}
                        </a>
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
              <div>
                <a href="#job-data" className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                  Job data by queue
                </a>
              </div>
            </div>
          </nav>
        </CardBody>
      </Card>

      {[...groups].map(([tag, entries]) => (
        <section key={tag} id={`tag-${tag}`} aria-labelledby={`tag-${tag}-title`} className="scroll-mt-20 space-y-4">
          <h2 id={`tag-${tag}-title`} className="text-lg font-semibold text-slate-900 dark:text-white">
            {tag}
          </h2>
          {entries.map((entry) => (
            <OperationCard key={entry.operation.operationId} entry={entry} />
          ))}
        </section>
      ))}

      <section id="job-data" aria-labelledby="job-data-title" className="scroll-mt-20 space-y-4">
        <h2 id="job-data-title" className="text-lg font-semibold text-slate-900 dark:text-white">
          Job data by queue
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          What <code className="font-mono">POST /api/v1/queues/{"{queueKey}"}/jobs</code> takes as <code className="font-mono">data</code> for each queue, and what a completed job returns, from the job catalogue.
        </p>
        {document["x-queues"].map((queue) => {
          const payloadName = queue.payload.$ref.slice(queue.payload.$ref.lastIndexOf("/") + 1);
          const resultName = queue.result.$ref.slice(queue.result.$ref.lastIndexOf("/") + 1);
          return (
            <Card key={queue.key} id={`queue-${queue.key}`} aria-labelledby={`queue-${queue.key}-title`} className="scroll-mt-20">
              <CardHeader
                as="h3"
                titleId={`queue-${queue.key}-title`}
                title={
                  <span>
                    {queue.label} <code className="ml-1 font-mono text-sm text-slate-500">{queue.key}</code>
                  </span>
                }
                description={queue.description}
                actions={<Badge>{`enqueue: ${queue.enqueueRoles.join(", ")}`}</Badge>}
              />
              <CardBody className="space-y-4">
                <div id={schemaAnchor(payloadName)} className="scroll-mt-20">
                  <h4 className="mb-2 text-sm font-medium text-slate-900 dark:text-white">
                    Job data <span className="font-mono text-xs font-normal text-slate-500">{payloadName}</span>
                  </h4>
                  <SchemaView schema={document.components.schemas[payloadName]!} label={`${queue.label} job data`} />
                </div>
                <div id={schemaAnchor(resultName)} className="scroll-mt-20">
                  <h4 className="mb-2 text-sm font-medium text-slate-900 dark:text-white">
                    Result <span className="font-mono text-xs font-normal text-slate-500">{resultName}</span>
                  </h4>
                  <SchemaView schema={document.components.schemas[resultName]!} label={`${queue.label} result`} />
                </div>
              </CardBody>
            </Card>
          );
        })}
      </section>

      <section id={schemaAnchor("Error")} aria-labelledby="error-title" className="scroll-mt-20 space-y-4">
        <h2 id="error-title" className="text-lg font-semibold text-slate-900 dark:text-white">
          Error
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">Every error answer, whatever its status, is this JSON.</p>
        <Card>
          <CardBody>
            <SchemaView schema={document.components.schemas.Error!} label="Error answer" />
          </CardBody>
        </Card>
      </section>
    </div>
  );
}
