import fs from 'node:fs/promises';
import { z } from 'zod';
import { fundamentalsSchema, symbolSchema } from '@tickwatch/shared';
import type { Logger } from '../log.js';
import type { FundamentalsRepository } from '../store/fundamentals-repository.js';
import type { AlertEngine } from './alert-engine.js';

const fileSchema = z.record(symbolSchema, fundamentalsSchema);

/**
 * Gives the engine every symbol's stored fundamentals, after storing those of FUNDAMENTALS_FILE if one is set. A
 * malformed file stops the start-up with the file's path and the failing field, like a bad variable would.
 */
export async function loadFundamentals(
  repository: FundamentalsRepository,
  engine: AlertEngine,
  file: string | undefined,
  log: Logger,
): Promise<void> {
  if (file) {
    let parsed: z.infer<typeof fileSchema>;
    try {
      parsed = fileSchema.parse(JSON.parse(await fs.readFile(file, 'utf8')));
    } catch (err) {
      const detail =
        err instanceof z.ZodError
          ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
          : (err as Error).message;
      throw new Error(`FUNDAMENTALS_FILE ${file} is invalid: ${detail}`);
    }
    const updatedAt = Math.floor(Date.now() / 1000);
    for (const [symbol, fundamentals] of Object.entries(parsed)) {
      await repository.put({ symbol, ...fundamentals, updated_at: updatedAt });
    }
    log.info({ file, symbols: Object.keys(parsed).length }, 'loaded fundamentals file');
  }
  for (const item of await repository.all()) {
    const { symbol, updated_at: _updatedAt, ...fundamentals } = item;
    engine.setFundamentals(symbol, fundamentals);
  }
}
