// Proves the breaking-change gate (make breaking-selftest): the gate must pass on the real spec and
// on a harmless edit, and FAIL on deliberately broken copies of the spec, each naming the rule it
// broke. The copies are made from the baseline (which changes only when a release bumps it, so
// these edits stay valid between releases) in a temporary folder; nothing in the repository is
// touched.
//
//   BREAKING_CMD='go tool -modfile=tools/go.mod oasdiff breaking ...' \
//     node spec/breaking-selftest.mjs spec/baseline/openapi.yaml openapi.yaml
//
// BREAKING_CMD is the gate's command from the Makefile (base and revision are appended), so this
// tests the very command `make breaking` runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [baseline, spec] = process.argv.slice(2);
const gate = process.env.BREAKING_CMD;
if (!baseline || !spec || !gate) {
  console.error('usage: BREAKING_CMD=... node spec/breaking-selftest.mjs BASELINE SPEC');
  process.exit(2);
}
const original = readFileSync(baseline, 'utf8');

// Replace one exact passage of the spec; a passage that is missing means the spec changed under
// this test, which must then be updated, never silently pass.
function edit(text, from, to) {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) {
    throw new Error(`breaking-selftest: the passage to edit is not found exactly once in ${baseline}:\n${from}`);
  }
  return text.slice(0, at) + to + text.slice(at + from.length);
}

const cases = [
  {
    name: `${spec} against the baseline`,
    text: readFileSync(spec, 'utf8'),
    fails: false,
  },
  {
    name: 'a description reworded (harmless)',
    text: edit(
      original,
      'description: The jobs were created; their import goes on in the asynchronous request.',
      'description: The jobs were created; the asynchronous request imports them.',
    ),
    fails: false,
  },
  {
    name: 'asyncRequest removed from the 201 response (JobListDto)',
    text: edit(
      original,
      "        asyncRequest:\n          allOf:\n            - $ref: '#/components/schemas/AsyncRequestReference'\n" +
        '          description: The asynchronous request that imports the created jobs.\n',
      '',
    ),
    fails: true,
    rule: 'response-optional-property-removed',
  },
  {
    name: 'maxLength of the request field path lowered from 255 to 100',
    text: edit(original, '          maxLength: 255\n', '          maxLength: 100\n'),
    fails: true,
    rule: 'request-property-max-length-decreased',
  },
  {
    name: 'an optional request field (due) made required',
    text: edit(
      original,
      '      description: What jobs to create and how to assign them.\n      required: [targetLangs]\n',
      '      description: What jobs to create and how to assign them.\n      required: [targetLangs, due]\n',
    ),
    fails: true,
    rule: 'request-property-became-required',
  },
];

const dir = mkdtempSync(join(tmpdir(), 'breaking-selftest-'));
let failed = 0;
try {
  for (const [i, c] of cases.entries()) {
    const revision = join(dir, `case-${i}.yaml`);
    writeFileSync(revision, c.text);
    const run = spawnSync('sh', ['-c', `${gate} "$1" "$2"`, 'gate', baseline, revision], { encoding: 'utf8' });
    const out = `${run.stdout}${run.stderr}`;
    // oasdiff exits 1 for a breaking change at the --fail-on level; any other non-zero status is
    // the tool failing (a spec it cannot read, a bad flag), which proves nothing.
    let verdict;
    if (c.fails) {
      verdict = run.status === 1 && out.includes(`[${c.rule}]`)
        ? `gate fails as it must ([${c.rule}])`
        : null;
    } else {
      verdict = run.status === 0 ? 'gate passes as it must' : null;
    }
    if (verdict) {
      console.log(`ok   ${c.name}: ${verdict}`);
    } else {
      failed++;
      console.error(`FAIL ${c.name}: expected the gate to ${c.fails ? `fail with [${c.rule}]` : 'pass'}, ` +
        `got exit status ${run.status}:\n${out.trim()}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`breaking-selftest: ${cases.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
