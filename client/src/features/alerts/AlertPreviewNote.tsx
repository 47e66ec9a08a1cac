import type { PreviewState } from './useAlertPreview';
import { previewSentence } from './preview-model';

/** The draft's replay over the stored day, in one sentence beside the save button. */
export function AlertPreviewNote({ preview }: { preview: PreviewState }) {
  const text =
    preview.status === 'ready'
      ? previewSentence(preview.preview)
      : preview.status === 'loading'
        ? 'Replaying the stored ticks…'
        : preview.status === 'error'
          ? `Could not preview this alert: ${preview.message}`
          : '';
  const warn = preview.status === 'ready' && preview.preview.fires_on_every_tick;
  return (
    <p
      className={warn ? 'af-preview af-preview-warning' : 'af-preview'}
      role="status"
      data-testid="alert-preview"
      data-state={preview.status}
    >
      {text}
    </p>
  );
}
