import type { InputHTMLAttributes } from 'react';
import { Field, type FieldProps } from './Field';
import { useControl } from './field-scope';

type InputAttributes = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'>;

interface TextFieldProps extends FieldProps, InputAttributes {
  testId: string;
  value: string;
  onChange: (value: string) => void;
}

/** A labelled text-like input (text, email, datetime-local). */
export function TextField({ path, label, hint, wide, testId, value, onChange, ...attributes }: TextFieldProps) {
  const control = useControl(path, testId);
  return (
    <Field path={path} label={label} hint={hint} wide={wide}>
      <input {...control} {...attributes} value={value} onChange={(e) => onChange(e.target.value)} />
    </Field>
  );
}
