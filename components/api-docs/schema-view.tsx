import { fieldRows, rules, typeName, type JsonSchema } from "@/lib/jobs/contract-schemas";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
import { InlineText } from "./inline-text";

/** The page anchor of a component schema, so `$ref`s can link to where it is shown. */
export const schemaAnchor = (name: string) => `schema-${name}`;
const refName = (ref: string) => ref.slice(ref.lastIndexOf("/") + 1);

/** A schema's type, with component references as links to where they are shown. */
function TypeCell({ schema }: { schema: JsonSchema }) {
  const options = schema.anyOf ?? schema.oneOf;
  if (schema.$ref) return <SchemaLink name={refName(schema.$ref)} />;
  if (options?.every((option) => option.$ref)) {
    return (
      <span>
        one of{" "}
        {options.map((option, index) => (
          <span key={option.$ref}>
            {index > 0 ? ", " : null}
            <SchemaLink name={refName(option.$ref!)} />
          </span>
        ))}
      </span>
    );
  }
  return <span className="font-mono text-xs">{typeName(schema)}</span>;
}

export function SchemaLink({ name }: { name: string }) {
  return (
    <a href={`#${schemaAnchor(name)}`} className="font-mono text-xs text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
      {name}
    </a>
  );
}

/**
 * An object schema as a table of its fields (nested ones as `a.b`, list items as `a[].b`), with
 * type, whether required, default, rules and meaning: the same reading as docs/job-contracts.md.
 */
export function SchemaView({ schema, label }: { schema: JsonSchema; label: string }) {
  if (schema.$ref) {
    return (
      <p className="text-sm text-slate-700 dark:text-slate-300">
        <SchemaLink name={refName(schema.$ref)} />
      </p>
    );
  }
  const rows = fieldRows(schema);
  const options = schema.anyOf ?? schema.oneOf;
  if (rows.length === 0 && options?.some((option) => option.properties)) {
    return (
      <div className="space-y-3">
        {options.map((option, index) => (
          <div key={index}>
            <p className="mb-1 text-xs font-medium text-slate-600 dark:text-slate-400">{index === 0 ? "Either" : "or"}</p>
            <SchemaView schema={option} label={`${label}, form ${index + 1}`} />
          </div>
        ))}
      </div>
    );
  }
  if (rows.length === 0) {
    return (
      <p className="text-sm text-slate-700 dark:text-slate-300">
        <TypeCell schema={schema} /> {schema.description ? <InlineText text={schema.description} /> : null}
      </p>
    );
  }
  return (
    <Table caption={label} wrapperClassName="rounded-lg ring-1 ring-slate-200 dark:ring-slate-800">
      <THead>
        <Th>field</Th>
        <Th>type</Th>
        <Th>required</Th>
        <Th>default</Th>
        <Th>rules</Th>
        <Th>meaning</Th>
      </THead>
      <TBody>
        {rows.map(({ path, schema: field, required }) => (
          <Tr key={path}>
            <Td rowHeader className="font-mono text-xs font-medium whitespace-nowrap">
              {path}
            </Td>
            <Td>
              <TypeCell schema={field} />
            </Td>
            <Td className="text-xs">{required ? "yes" : "no"}</Td>
            <Td className="font-mono text-xs">{field.default === undefined ? "" : JSON.stringify(field.default)}</Td>
            <Td className="text-xs">{rules(field)}</Td>
            <Td className="text-xs">{field.description ? <InlineText text={field.description} /> : null}</Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
