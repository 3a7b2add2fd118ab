// A small, safe template: `{{field}}` is replaced by a happening's field; nothing else is interpreted, nothing runs.

/** Every field a template may name, one string each (empty where a kind has none). */
export const TEMPLATE_FIELDS = ['kind', 'node', 'group', 'source', 'by', 'reason', 'code', 'blockers', 'at', 'since', 'for', 'refusals', 'text'] as const;

export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

export type TemplateValues = Readonly<Record<TemplateField, string>>;

export class TemplateError extends Error {
  readonly code = 'ERR_TEMPLATE';
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

type Part = { readonly literal: string } | { readonly field: TemplateField };

export interface Template {
  readonly source: string;
  /** `escape` is applied to each field's value, never to the template's own text. */
  render(values: TemplateValues, escape?: (value: string) => string): string;
}

const isField = (name: string): name is TemplateField => (TEMPLATE_FIELDS as readonly string[]).includes(name);

/** Parses `source` once; an unknown field or an unclosed `{{` is a TemplateError naming it. */
export function compileTemplate(source: string): Template {
  const parts: Part[] = [];
  let rest = source;
  while (rest.length > 0) {
    const open = rest.indexOf('{{');
    if (open === -1) {
      parts.push({ literal: rest });
      break;
    }
    if (open > 0) parts.push({ literal: rest.slice(0, open) });
    const close = rest.indexOf('}}', open + 2);
    if (close === -1) throw new TemplateError(`"{{" at character ${source.length - rest.length + open + 1} is never closed with "}}"`);
    const name = rest.slice(open + 2, close).trim();
    if (!isField(name)) throw new TemplateError(`unknown field {{${name.slice(0, 40)}}}: use one of ${TEMPLATE_FIELDS.map((f) => `{{${f}}}`).join(' ')}`);
    parts.push({ field: name });
    rest = rest.slice(close + 2);
  }
  return {
    source,
    render: (values, escape = (v) => v) => parts.map((p) => ('literal' in p ? p.literal : escape(values[p.field]))).join(''),
  };
}
