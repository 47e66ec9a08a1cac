import { useEffect, useRef, useState } from 'react';
import {
  ALERT_OPTION_DEFAULTS,
  type AlertDefinition,
  type AlertDefinitionInput,
  type AlertPreview,
} from '@tickwatch/shared';
import type { Api } from '../../api/http';
import { validateForm, type AlertFormState } from './form-model';
import { previewMarkers, type PreviewMarkers } from './preview-model';

/** Typing pauses this long before the draft is replayed, so a threshold typed digit by digit is one request. */
export const PREVIEW_DEBOUNCE_MS = 400;

/**
 * What a replay depends on: the note, the message and the method do not change when an alert fires, so editing them
 * asks the server nothing (every method previews alike, the dashboard's stands in for them).
 */
function replayed({
  note: _note,
  message: _message,
  notification_method: _method,
  ...decides
}: AlertDefinition): AlertDefinitionInput {
  return { ...decides, notification_method: ALERT_OPTION_DEFAULTS.notification_method };
}

export type PreviewState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; preview: AlertPreview }
  | { status: 'error'; message: string };

const IDLE: PreviewState = { status: 'idle' };
const LOADING: PreviewState = { status: 'loading' };

/**
 * Replays the form's draft on the server whenever it is a valid alert, after a pause in typing; a request for a
 * draft that has changed since is cancelled. `onMarkers` gets the fires to draw, and null when there are none to
 * show (the draft is invalid or being replayed, or the form is gone).
 */
export function useAlertPreview(
  api: Api | undefined,
  state: AlertFormState,
  onMarkers?: (shown: PreviewMarkers | null) => void,
): PreviewState {
  const validation = validateForm(state);
  const draft = api && validation.ok ? JSON.stringify(replayed(validation.definition)) : null;
  const [result, setResult] = useState<{ draft: string; state: PreviewState } | null>(null);

  useEffect(() => {
    if (!api || draft === null) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api.previewAlert(JSON.parse(draft) as Parameters<Api['previewAlert']>[0], controller.signal).then(
        (preview) => setResult({ draft, state: { status: 'ready', preview } }),
        (err: unknown) => {
          if (controller.signal.aborted) return;
          const message = err instanceof Error ? err.message : 'the server did not answer';
          setResult({ draft, state: { status: 'error', message } });
        },
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, draft]);

  const shown = draft === null ? IDLE : result?.draft === draft ? result.state : LOADING;

  const report = useRef(onMarkers);
  useEffect(() => {
    report.current = onMarkers;
  });
  const ready = shown.status === 'ready' ? shown.preview : null;
  useEffect(() => {
    report.current?.(ready && previewMarkers(ready));
  }, [ready]);
  useEffect(() => () => report.current?.(null), []);

  return shown;
}
