import { summaryLine } from './form-wording';

/** Errors that have no field on show to stand beside, each named by its field, then a failure of the save itself. */
export function ErrorSummary({ unplaced, formError }: { unplaced: [string, string][]; formError: string | null }) {
  return (
    <>
      {unplaced.map(([path, message]) => (
        <p key={path} className="af-error" role="alert" data-testid={`error-${path}`}>
          {summaryLine(path, message)}
        </p>
      ))}
      {formError ? (
        <p className="af-error" role="alert" data-testid="alert-form-error">
          {formError}
        </p>
      ) : null}
    </>
  );
}
