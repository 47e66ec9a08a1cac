import { describe, expect, it } from 'vitest';
import { alertDefinitionSchema, alertPatchSchema, type FireEvidence } from './alerts.js';
import {
  MAX_MESSAGE_TEMPLATE,
  MESSAGE_PLACEHOLDERS,
  MISSING_VALUE,
  renderTemplate,
  templateProblem,
  type TemplateFire,
} from './templates.js';

/** A crossing of 200 by AAPL's last price at 2026-01-15 15:00:00.250 UTC. */
const crossing: FireEvidence = {
  tick: { price: 205.5, timestamp: Date.parse('2026-01-15T15:00:00.250Z') },
  value: 205.5,
  level: 200,
  before: 199.125,
  condition: 'AAPL last price crosses above 200.00',
};
const fire = (evidence: Partial<FireEvidence> = {}): TemplateFire => ({
  symbol: 'AAPL',
  evidence: { ...crossing, ...evidence },
});

describe('templateProblem', () => {
  it('accepts every placeholder, with or without spaces inside the braces, and plain text', () => {
    for (const name of MESSAGE_PLACEHOLDERS) {
      expect(templateProblem(`{{${name}}}`), name).toBeNull();
      expect(templateProblem(`at {{ ${name} }} now`), name).toBeNull();
    }
    expect(templateProblem('')).toBeNull();
    expect(templateProblem('no placeholders at all')).toBeNull();
  });

  it('treats single braces as text', () => {
    expect(templateProblem('{symbol} costs {price}')).toBeNull();
    expect(templateProblem('a } and a { apart')).toBeNull();
  });

  it('names an unknown placeholder, whatever its case or spelling', () => {
    expect(templateProblem('{{prcie}} now')).toMatch(/^\{\{prcie\}\} is not a placeholder: use \{\{symbol\}\}, /);
    expect(templateProblem('{{Price}}')).toMatch(/^\{\{Price\}\} is not a placeholder/);
    expect(templateProblem('{{}}')).toMatch(/^\{\{\}\} is not a placeholder/);
    expect(templateProblem('{{ price')).toBe('has a {{ that is never closed with }}');
  });

  it('refuses unbalanced braces', () => {
    expect(templateProblem('{{price')).toBe('has a {{ that is never closed with }}');
    expect(templateProblem('price}}')).toBe('has a }} without a {{ before it');
    expect(templateProblem('{{price}} and }}')).toBe('has a }} without a {{ before it');
    expect(templateProblem('{{price}} {{symbol')).toBe('has a {{ that is never closed with }}');
  });

  it('reads a first }} as the end of a placeholder, so nested braces are an unknown name', () => {
    expect(templateProblem('{{{price}}}')).toMatch(/^\{\{\{price\}\} is not a placeholder/);
    expect(templateProblem('{{ {{price}} }}')).toMatch(/^\{\{ \{\{price\}\} is not a placeholder/);
  });
});

describe('the message option of alerts', () => {
  const definition = {
    symbol: 'AAPL',
    condition_type: 'price_threshold',
    condition: { operator: '>', threshold: 200 },
    notification_method: 'websocket',
  };
  const issues = (result: { error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
    result.error?.issues.map((i) => [i.path.join('.'), i.message]);

  it('defaults to empty and is trimmed', () => {
    expect(alertDefinitionSchema.parse(definition).message).toBe('');
    expect(alertDefinitionSchema.parse({ ...definition, message: '  {{symbol}} up  ' }).message).toBe('{{symbol}} up');
  });

  it('is refused at the path message with the problem, on create and patch alike', () => {
    expect(issues(alertDefinitionSchema.safeParse({ ...definition, message: '{{nope}}' }))).toEqual([
      ['message', expect.stringMatching(/^\{\{nope\}\} is not a placeholder/) as string],
    ]);
    expect(issues(alertPatchSchema.safeParse({ message: 'price}}' }))).toEqual([
      ['message', 'has a }} without a {{ before it'],
    ]);
    expect(alertPatchSchema.safeParse({ message: '{{symbol}} at {{price}}' }).success).toBe(true);
    expect(alertPatchSchema.safeParse({ message: '' }).success).toBe(true);
  });

  it(`holds at most ${MAX_MESSAGE_TEMPLATE} characters`, () => {
    expect(alertPatchSchema.safeParse({ message: 'x'.repeat(MAX_MESSAGE_TEMPLATE) }).success).toBe(true);
    expect(issues(alertPatchSchema.safeParse({ message: 'x'.repeat(MAX_MESSAGE_TEMPLATE + 1) }))?.[0]?.[0]).toBe(
      'message',
    );
  });
});

describe('renderTemplate', () => {
  it('fills every generic placeholder from the evidence', () => {
    expect(
      renderTemplate(
        '{{symbol}}: {{condition}}; {{previous}} -> {{value}} (price {{price}}, level {{threshold}}) at {{time}}',
        fire(),
      ),
    ).toBe(
      'AAPL: AAPL last price crosses above 200.00; 199.125 -> 205.50 (price 205.50, level 200.00) at 2026-01-15T15:00:00.250Z',
    );
  });

  it('fills a placeholder as often as it appears, spaces inside the braces or not', () => {
    expect(renderTemplate('{{symbol}} {{ symbol }} {{symbol}}', fire())).toBe('AAPL AAPL AAPL');
  });

  it('writes numbers as formatNumber does, big ones with B/M', () => {
    const evidence = { value: 3.2e12, level: 3e12, values: { metric: 3.2e12, shares_outstanding: 15.2e9 } };
    expect(renderTemplate('{{metric}} on {{shares_outstanding}} shares', fire(evidence))).toBe(
      '3200.00B on 15.20B shares',
    );
    expect(renderTemplate('{{value}}', fire({ value: 0.12345 }))).toBe('0.1235');
  });

  it('fills the named values a fire has', () => {
    const evidence = { values: { indicator: 71.25 } };
    expect(renderTemplate('RSI {{indicator}}', fire(evidence))).toBe('RSI 71.25');
    expect(renderTemplate('P/E {{metric}} (EPS {{eps_ttm}})', fire({ values: { metric: 33.7, eps_ttm: 6.1 } }))).toBe(
      'P/E 33.70 (EPS 6.10)',
    );
  });

  it(`writes ${MISSING_VALUE} for what the fire does not have`, () => {
    expect(renderTemplate('from {{previous}}', fire({ before: null }))).toBe(`from ${MISSING_VALUE}`);
    expect(renderTemplate('{{indicator}} {{metric}} {{annual_dividend}}', fire())).toBe(
      `${MISSING_VALUE} ${MISSING_VALUE} ${MISSING_VALUE}`,
    );
    expect(renderTemplate('{{indicator}}', fire({ values: { metric: 1 } }))).toBe(MISSING_VALUE);
  });

  it('keeps single braces and everything else as written, escaping nothing', () => {
    expect(renderTemplate('{ {{symbol}} } <b>&amp; "{{price}}"</b>', fire())).toBe('{ AAPL } <b>&amp; "205.50"</b>');
    expect(renderTemplate('line one\nline two', fire())).toBe('line one\nline two');
    expect(renderTemplate('', fire())).toBe('');
  });

  it('does not read placeholders out of the values it fills in', () => {
    expect(renderTemplate('{{condition}}', fire({ condition: 'odd {{price}} wording' }))).toBe('odd {{price}} wording');
  });

  it('leaves a template it cannot read as written rather than losing the fire', () => {
    expect(renderTemplate('{{price', fire())).toBe('{{price');
    expect(renderTemplate('{{symbol}} {{nope}}', fire())).toBe('AAPL {{nope}}');
  });
});
