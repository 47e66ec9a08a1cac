import { Field, type FieldProps } from './Field';
import { useControl } from './field-scope';

interface NumberFieldProps extends FieldProps {
  testId: string;
  /** As typed: '' is "not given". */
  value: string;
  onChange: (value: string) => void;
  min?: number;
  max?: number;
  /** Any decimal unless given (1 for counts of bars or seconds). */
  step?: number;
  placeholder?: string;
}

/** A labelled number input; its text goes to the form model as typed. */
export function NumberField({
  path,
  label,
  hint,
  testId,
  value,
  onChange,
  min,
  max,
  step,
  placeholder,
}: NumberFieldProps) {
  const control = useControl(path, testId);
  return (
    <Field path={path} label={label} hint={hint}>
      <input
        {...control}
        type="number"
        inputMode="decimal"
        step={step ?? 'any'}
        min={min}
        max={max}
        placeholder={placeholder}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </Field>
  );
}
