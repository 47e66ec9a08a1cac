import { createContext, useContext } from 'react';
import type { FieldErrors } from './form-model';

/** What every field of one alert form shares: the base of its element ids, and the errors on show. */
export interface FieldScope {
  idBase: string;
  errors: FieldErrors;
}

export const FieldScopeContext = createContext<FieldScope>({ idBase: 'alert-form', errors: {} });

/** An input's id: the form's base and the field's dotted path (`condition.threshold` → `…-condition-threshold`). */
export const fieldId = (idBase: string, path: string) => `${idBase}-${path.replace(/\./g, '-')}`;

/** The id and error of the field at `path`, in the enclosing form. */
export function useFieldState(path: string) {
  const { idBase, errors } = useContext(FieldScopeContext);
  const id = fieldId(idBase, path);
  return { id, errorId: `${id}-error`, error: errors[path] };
}

/** The attributes that tie an input to its label and, when it has one, its error. */
export function useControl(path: string, testId: string) {
  const { id, errorId, error } = useFieldState(path);
  return {
    id,
    'data-testid': testId,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? errorId : undefined,
  };
}
