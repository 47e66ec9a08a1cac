import { spawnSync } from 'node:child_process';
import { findChromium } from './find-chromium.mjs';
import { findRedisServer } from './lib/redis-server.mjs';

/**
 * First step of `npm test`: the integration tests need Java 17+ (DynamoDB Local) and redis-server, and the browser
 * tests need Chromium. On a Debian machine where we are root we install what is missing; anywhere else we stop at
 * once and say exactly what to install, rather than letting a suite skip or fail obscurely later.
 */
const missing = [];

function javaMajor() {
  const run = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) return 0;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(run.stderr + run.stdout);
  if (!match) return 0;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

if (javaMajor() < 17) missing.push({ what: 'Java 17 or newer (for DynamoDB Local)', apt: 'openjdk-17-jre-headless' });
if (findChromium().missing) missing.push({ what: 'Chromium (for the browser tests)', apt: 'chromium' });
// A REDIS_SERVER that does not run is the caller's to fix: installing the package would not change it.
if (findRedisServer().missing && !process.env.REDIS_SERVER) {
  missing.push({ what: 'redis-server (for the cluster integration tests)', apt: 'redis-server' });
}

if (missing.length > 0) {
  const canApt = process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0;
  if (canApt) {
    const packages = missing.map((m) => m.apt);
    console.log(`Installing test prerequisites: ${packages.join(', ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
      stdio: 'inherit',
      env,
    });
    if (update.status !== 0 || install.status !== 0) {
      console.error(`apt-get could not install ${packages.join(', ')}; install them by hand and run npm test again.`);
      process.exit(1);
    }
  } else {
    console.error('npm test needs, and could not install (not root with apt-get):');
    for (const m of missing) console.error(`  - ${m.what}: Debian/Ubuntu package ${m.apt}`);
    const chromium = findChromium();
    if (chromium.missing) console.error(`  ${chromium.missing}`);
    const redis = findRedisServer();
    if (redis.missing) console.error(`  ${redis.missing}`);
    process.exit(1);
  }
}

const chromium = findChromium();
const redis = findRedisServer();
for (const found of [chromium, redis]) {
  if (found.missing) {
    console.error(found.missing);
    process.exit(1);
  }
}
console.log(
  `Test prerequisites: Java ${javaMajor()}, Chromium at ${chromium.path} (${chromium.from}), ` +
    `Redis ${redis.version} (${redis.path})`,
);
