import {
  BOLLINGER_BANDS,
  INDICATOR_DEFAULTS,
  INDICATOR_INTERVALS,
  INDICATOR_LABELS,
  INDICATORS,
  defaultPeriod,
} from '@tickwatch/shared';
import type { Edit } from './form-edits';
import type { AlertFormState } from './form-model';
import { INDICATOR_HINTS, periodLabel } from './form-wording';
import { NumberField } from './NumberField';
import { SelectField } from './SelectField';

/** The indicator, its bar interval, and the settings that indicator takes (periods, band, deviations). */
export function IndicatorFields({ state, edit }: { state: AlertFormState; edit: Edit }) {
  const indicator = state.indicator;
  return (
    <>
      <SelectField
        path="condition.indicator"
        label="Indicator"
        hint={INDICATOR_HINTS[indicator]}
        testId="alert-indicator"
        value={indicator}
        options={INDICATORS}
        optionLabel={(i) => INDICATOR_LABELS[i]}
        onChange={(next) => edit({ indicator: next })}
      />
      <SelectField
        path="condition.interval"
        label="Bar interval"
        testId="alert-interval"
        value={state.interval}
        options={INDICATOR_INTERVALS}
        onChange={(interval) => edit({ interval })}
      />
      {indicator === 'vwap' ? null : (
        <NumberField
          path="condition.period"
          label={periodLabel(indicator)}
          testId="alert-period"
          value={state.period}
          onChange={(period) => edit({ period })}
          min={2}
          max={200}
          step={1}
          placeholder={String(defaultPeriod(indicator) ?? '')}
        />
      )}
      {indicator === 'macd' ? (
        <>
          <NumberField
            path="condition.fast_period"
            label="Fast period (bars)"
            testId="alert-fast-period"
            value={state.fast_period}
            onChange={(fast_period) => edit({ fast_period })}
            min={2}
            max={200}
            step={1}
            placeholder={String(INDICATOR_DEFAULTS.macd.fast)}
          />
          <NumberField
            path="condition.signal_period"
            label="Signal period (bars)"
            testId="alert-signal-period"
            value={state.signal_period}
            onChange={(signal_period) => edit({ signal_period })}
            min={2}
            max={200}
            step={1}
            placeholder={String(INDICATOR_DEFAULTS.macd.signal)}
          />
        </>
      ) : null}
      {indicator === 'bollinger' ? (
        <>
          <SelectField
            path="condition.band"
            label="Band"
            testId="alert-band"
            value={state.band}
            options={BOLLINGER_BANDS}
            onChange={(band) => edit({ band })}
          />
          <NumberField
            path="condition.std_dev"
            label="Standard deviations"
            testId="alert-std-dev"
            value={state.std_dev}
            onChange={(std_dev) => edit({ std_dev })}
            min={0}
            max={5}
            placeholder={String(INDICATOR_DEFAULTS.stdDev)}
          />
        </>
      ) : null}
    </>
  );
}
