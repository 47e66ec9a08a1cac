import { useContext } from 'react';
import { MAX_MESSAGE_TEMPLATE, PLACEHOLDER_LIST, templateProblem } from '@tickwatch/shared';
import { FieldScopeContext } from './field-scope';
import { TextField } from './TextField';

/**
 * The alert's message template. It is checked as the trader types, with the shared rule the server applies on save,
 * so a misspelt placeholder shows at once rather than after a round trip.
 */
export function MessageField({ value, onChange }: { value: string; onChange: (message: string) => void }) {
  const scope = useContext(FieldScopeContext);
  const problem = templateProblem(value.trim());
  const errors = problem ? { ...scope.errors, message: problem } : scope.errors;
  return (
    <FieldScopeContext value={{ ...scope, errors }}>
      <TextField
        path="message"
        label="Message (optional)"
        wide
        hint={`Your own wording of each fire, sent by every method. Placeholders: ${PLACEHOLDER_LIST}`}
        testId="alert-message"
        value={value}
        onChange={onChange}
        maxLength={MAX_MESSAGE_TEMPLATE}
        autoComplete="off"
        placeholder="e.g. {{symbol}} at {{price}}: {{condition}}"
      />
    </FieldScopeContext>
  );
}
