import type { ReactNode } from 'react';
import { useFieldState } from './field-scope';

export interface FieldProps {
  /** The definition path the field edits, as errors name it (`condition.threshold`). */
  path: string;
  label: string;
  hint?: string | undefined;
  /** Takes a whole row of the form's grid: for free text, whose hint would be a tall column at half width. */
  wide?: boolean | undefined;
}

/** One labelled input of the alert form, with its hint and, beside it, its error. */
export function Field({ path, label, hint, wide, children }: FieldProps & { children: ReactNode }) {
  const { id, errorId, error } = useFieldState(path);
  return (
    <div className={wide ? 'af-field af-wide' : 'af-field'}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? <span className="af-hint">{hint}</span> : null}
      {error ? (
        <span className="af-error" role="alert" id={errorId} data-testid={`error-${path}`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}
