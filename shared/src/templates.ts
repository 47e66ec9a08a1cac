import type { FireEvidence } from './alerts.js';
import { formatNumber } from './wording.js';

/**
 * Message templates: an alert's own wording of its fires, with placeholders filled from the fire's evidence
 * (docs/alerts.md, "Message templates"). Validation and rendering live here once, so the form, the API and the
 * recorder read a template alike.
 */

/** The longest template an alert may have. */
export const MAX_MESSAGE_TEMPLATE = 500;

/** Names of the evidence's `values` that a template may use: the indicator, the metric and the metric's inputs. */
export const EVIDENCE_VALUE_NAMES = [
  'indicator',
  'reference',
  'metric',
  'eps_ttm',
  'shares_outstanding',
  'annual_dividend',
] as const;
export type EvidenceValueName = (typeof EVIDENCE_VALUE_NAMES)[number];

export const MESSAGE_PLACEHOLDERS = [
  'symbol',
  'price',
  'threshold',
  'value',
  'previous',
  'condition',
  'time',
  ...EVIDENCE_VALUE_NAMES,
] as const;
export type MessagePlaceholder = (typeof MESSAGE_PLACEHOLDERS)[number];

/**
 * What a placeholder reads when its fire has no such value: `{{previous}}` of a level condition, `{{indicator}}` of
 * a price alert.
 */
export const MISSING_VALUE = 'n/a';

const OPEN = '{{';
const CLOSE = '}}';

type Part = { text: string } | { name: string; source: string };

/** A template cut into text and placeholders, up to the first unbalanced brace if there is one (`error`). */
function parse(template: string): { parts: Part[]; error?: string } {
  const parts: Part[] = [];
  let at = 0;
  while (at < template.length) {
    const open = template.indexOf(OPEN, at);
    const close = template.indexOf(CLOSE, at);
    if (close !== -1 && (open === -1 || close < open)) {
      return { parts, error: `has a ${CLOSE} without a ${OPEN} before it` };
    }
    if (open === -1) {
      parts.push({ text: template.slice(at) });
      break;
    }
    const end = template.indexOf(CLOSE, open + OPEN.length);
    if (end === -1) return { parts, error: `has a ${OPEN} that is never closed with ${CLOSE}` };
    if (open > at) parts.push({ text: template.slice(at, open) });
    const source = template.slice(open, end + CLOSE.length);
    parts.push({ name: template.slice(open + OPEN.length, end).trim(), source });
    at = end + CLOSE.length;
  }
  return { parts };
}

const isPlaceholder = (name: string): name is MessagePlaceholder =>
  (MESSAGE_PLACEHOLDERS as readonly string[]).includes(name);

/** The placeholders as a trader types them: "{{symbol}}, {{price}}, …". */
export const PLACEHOLDER_LIST = MESSAGE_PLACEHOLDERS.map((name) => `${OPEN}${name}${CLOSE}`).join(', ');

/**
 * Why a template cannot be used (its first mistake), or null when it can. Single braces are plain text;
 * `{{ name }}` may have spaces inside.
 */
export function templateProblem(template: string): string | null {
  const parsed = parse(template);
  for (const part of parsed.parts) {
    if ('name' in part && !isPlaceholder(part.name)) {
      return `${part.source} is not a placeholder: use ${PLACEHOLDER_LIST}`;
    }
  }
  return parsed.error ?? null;
}

/** What a template is filled from: the alert's symbol and its fire's evidence. */
export interface TemplateFire {
  symbol: string;
  evidence: FireEvidence;
}

function fill(name: MessagePlaceholder, fire: TemplateFire): string {
  const { evidence } = fire;
  const number = (value: number | null | undefined) =>
    value === null || value === undefined ? MISSING_VALUE : formatNumber(value);
  switch (name) {
    case 'symbol':
      return fire.symbol;
    case 'price':
      return number(evidence.tick.price);
    case 'threshold':
      return number(evidence.level);
    case 'value':
      return number(evidence.value);
    case 'previous':
      return number(evidence.before);
    case 'condition':
      return evidence.condition;
    case 'time':
      return new Date(evidence.tick.timestamp).toISOString();
    default:
      return number(evidence.values?.[name]);
  }
}

/**
 * The template with its placeholders filled: numbers as `formatNumber` writes them, the time as ISO 8601 UTC, a
 * value the fire does not have as MISSING_VALUE. The result is plain text, escaped for no medium: each channel
 * (the dashboard, email, SNS, webhooks) treats it as text. A template that fails `templateProblem` (a stored item
 * edited by hand) is returned as it is, since a fire must still be told.
 */
export function renderTemplate(template: string, fire: TemplateFire): string {
  const parsed = parse(template);
  if (parsed.error !== undefined) return template;
  return parsed.parts
    .map((part) => ('text' in part ? part.text : isPlaceholder(part.name) ? fill(part.name, fire) : part.source))
    .join('');
}
