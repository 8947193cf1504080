// Checks the rendered API reference (make docs-check): opens build/docs/index.html in headless
// Chromium, lets its script run (virtual time), and looks for the operations and their fields in
// the text of the rendered page, not only the overview.
//
//   node spec/docs-check.mjs build/docs/index.html
//
// The page is Redoc (Redocly CLI build-docs with --inlineBundle): one file, no network. Its static
// HTML holds only the overview; each operation is a client-side route (#/job/..., opened from
// disk it routes on the hash), so finding an operation's fields proves the script rendered them.
// CHROMIUM names the browser (default /usr/bin/chromium).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const page = process.argv[2];
if (!page || !existsSync(page)) {
  console.error(`docs-check: no page at ${page ?? '(none given)'}; run make docs first`);
  process.exit(2);
}
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`docs-check: ${chromium} is missing; install Debian's chromium (see .ci/run)`);
  process.exit(2);
}

// What each route must show once rendered.
const routes = [
  {
    hash: '',
    name: 'overview',
    expect: [
      'Phrase TMS connectorTask API', 'Date-times', 'Growing enums', 'x-extensible-enum',
      // the +0000 form, and the labels that mark what no source states (spec/SOURCES.md)
      '2016-07-21T11:38:27+0000', 'PhraseDateTime', 'Labels', 'Inferred:', "Our client's rule:", 'Illustrative:',
    ],
  },
  {
    hash: '#/job/createjobfromasyncdownloadtask',
    name: 'POST connectorTask',
    expect: [
      'Create job from connector asynchronous download task',
      '/api2/v1/projects/{projectUid}/jobs/connectorTask',
      'projectUid',
      'downloadTaskId',
      'continuous',
      'targetLangs',
      'workflowSettings',
      'assignments',
      'importSettings',
      'remoteFile',
      'callbackUrl',
      '<= 255 characters',
      // the 201 response and its fields
      '201',
      'The jobs were created; their import goes on in the asynchronous request.',
      'unsupportedFiles',
      'jobs',
      'asyncRequest',
      'warnings',
      // labels a reader must see where the claim is made, and the dates of the 201 as Phrase writes them
      "Our client's rule: at least one",
      'Inferred: the body is required',
      'Inferred: the id of the answer of the connector call',
      '2026-11-28T17:03:12+0000',
    ],
  },
  {
    hash: '#/job/listpartsv2',
    name: 'GET list jobs',
    expect: [
      'List jobs',
      '/api2/v2/projects/{projectUid}/jobs',
      'pageNumber',
      'pageSize',
      'workflowLevel',
      'notReady',
      'totalElements',
      'content',
    ],
  },
  {
    hash: '#/async-request/getasyncrequest',
    name: 'GET async request',
    expect: ['Get asynchronous request', '/api2/v1/async/{asyncRequestId}', 'asyncRequestId', 'asyncResponse', 'createdBy', 'parent', '2026-11-28T17:03:20+0000'],
  },
  {
    hash: '#/authentication/login',
    name: 'POST login',
    expect: ['Log in', '/api2/v1/auth/login', 'userName', 'password', 'token', 'expires', '2026-11-29T17:03:12+0000'],
  },
];

// The flags this machine needs (no sandbox as root, no background connections: there is no network).
const flags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--virtual-time-budget=15000',
];

function dumpDom(url) {
  const profile = mkdtempSync(join(tmpdir(), 'docs-check-chromium-'));
  return new Promise((done, fail) => {
    execFile(
      chromium,
      [...flags, `--user-data-dir=${profile}`, '--dump-dom', url],
      { timeout: 90_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        rmSync(profile, { recursive: true, force: true });
        if (err) {
          fail(new Error(`chromium failed on ${url}: ${err.message}\n${stderr.slice(-2000)}`));
        } else {
          done(stdout);
        }
      },
    );
  });
}

// The text a reader sees: the DOM without scripts and styles (the page embeds the whole spec as
// JSON in a script, which must not count), tags dropped, entities of interest decoded.
function visibleText(html) {
  return html
    .replace(/<script\b[\s\S]*?<\/script>/gi, ' ')
    .replace(/<style\b[\s\S]*?<\/style>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

const base = pathToFileURL(resolve(page)).href;
let failed = 0;
for (const route of routes) {
  const text = visibleText(await dumpDom(base + route.hash));
  const missing = route.expect.filter((s) => !text.includes(s));
  if (missing.length > 0) {
    failed++;
    console.error(`FAIL ${route.name} (${route.hash || 'no hash'}): not rendered: ${missing.join(', ')}`);
    console.error(`     rendered text began: ${text.slice(0, 400)}`);
  } else {
    console.log(`ok   ${route.name}: ${route.expect.length} items rendered`);
  }
}
console.log(`docs-check: ${routes.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
