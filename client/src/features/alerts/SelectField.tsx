import { Field, type FieldProps } from './Field';
import { useControl } from './field-scope';

interface SelectFieldProps<T extends string> extends FieldProps {
  testId: string;
  value: T;
  options: readonly T[];
  /** The option's text; the value itself when not given. */
  optionLabel?: (option: T) => string;
  onChange: (value: T) => void;
}

/** A labelled choice among `options`. */
export function SelectField<T extends string>({
  path,
  label,
  hint,
  testId,
  value,
  options,
  optionLabel = (option) => option,
  onChange,
}: SelectFieldProps<T>) {
  const control = useControl(path, testId);
  return (
    <Field path={path} label={label} hint={hint}>
      <select {...control} value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((option) => (
          <option key={option} value={option}>
            {optionLabel(option)}
          </option>
        ))}
      </select>
    </Field>
  );
}
