import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** Lints `code` as if it were the file at `path` (relative to the repository root), with the project's config. */
async function restrictedImports(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  return result!.messages.filter((m) => m.ruleId === 'import-x/no-restricted-paths').map((m) => m.message);
}

describe('import layers (eslint.config.js)', () => {
  it.each([
    ['server/src/store/x.ts', "import { AlertEngine } from '../engine/alert-engine.js';", 'store'],
    ['server/src/market/x.ts', "import { TICK_TTL_SECONDS } from '../store/tables.js';", 'market'],
    ['server/src/engine/x.ts', "import { TickPipeline } from '../ingest/tick-pipeline.js';", 'engine'],
    ['server/src/notify/x.ts', "import { userRoom } from '../realtime/rooms.js';", 'notify'],
    ['server/src/realtime/x.ts', "import { parseOrThrow } from '../http/validate.js';", 'realtime'],
    ['server/src/errors.ts', "import { AlertsRepository } from './store/alerts-repository.js';", 'base'],
  ])('refuses a wrong-way import in %s', async (path, code, layer) => {
    const messages = await restrictedImports(
      path,
      `${code}\nexport const used = [${code.match(/\{ (\w+) \}/)![1]}];\n`,
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`${layer} may not import this`);
  });

  it('allows imports downwards', async () => {
    const code = "import { MarketState } from '../market/market-state.js';\nexport const used = MarketState;\n";
    expect(await restrictedImports('server/src/engine/x.ts', code)).toEqual([]);
  });

  it('refuses one dashboard feature importing another', async () => {
    const code = "import { alertLevels } from '../chart/levels';\nexport const used = alertLevels;\n";
    expect(await restrictedImports('client/src/features/alerts/x.ts', code)).toHaveLength(1);
  });
});
