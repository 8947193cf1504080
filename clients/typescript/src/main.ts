// A small program that uses the TypeScript client generated from openapi.yaml the way another
// language team would: it logs in, creates jobs with connectorTask, and reads the asynchronous
// request until it has finished, against a running fake of Phrase TMS (wrapper/phrasetest).
//
// It reads where the fake is from the environment (run.mjs beside this folder sets it):
//   PHRASE_URL          the API root, including /web
//   PHRASE_USERNAME     user name for POST /api2/v1/auth/login
//   PHRASE_PASSWORD     password for it
//   PHRASE_PROJECT_UID  the project to create jobs in
//   PHRASE_TARGET_LANGS the project's target languages, comma-separated
//
// Every check that fails throws; the program prints one line per check and a closing
// "N passed, N failed" line, and exits non-zero on the first failure.

import { createClient } from '../generated/client/index.js';
import {
  createJobFromAsyncDownloadTask,
  getAsyncRequest,
  login,
  type AsyncRequestDto,
  type ErrorResponse,
} from '../generated/index.js';

let passed = 0;

function check(condition: unknown, what: string): asserts condition {
  if (!condition) {
    throw new Error(`check failed: ${what}`);
  }
  passed++;
  console.log(`ok   ${what}`);
}

function env(name: string): string {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set (run this program through run.mjs)`);
  }
  return v;
}

function isValidDate(d: unknown): d is Date {
  return d instanceof Date && !Number.isNaN(d.getTime());
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Phrase's date-times carry a colon-less offset (2026-11-28T17:03:12+0000). The generated
// transformers hand them to `new Date(...)`; this program only works if V8 reads that form.
const colonLessOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{4}$/;

async function main(): Promise<void> {
  const baseUrl = env('PHRASE_URL');
  const userName = env('PHRASE_USERNAME');
  const password = env('PHRASE_PASSWORD');
  const projectUid = env('PHRASE_PROJECT_UID');
  const projectLangs = env('PHRASE_TARGET_LANGS').split(',').filter(Boolean);

  check(
    new Date('2026-11-28T17:03:12+0000').toISOString() === '2026-11-28T17:03:12.000Z',
    "Node's Date reads Phrase's +0000 offset",
  );

  // The raw body of the last answer, to show which date format was on the wire.
  let lastRawBody = '';
  const recordingFetch: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    lastRawBody = await res.clone().text();
    return res;
  };

  let token = '';
  const client = createClient({
    baseUrl,
    fetch: recordingFetch,
    headers: { 'User-Agent': 'connectortask-ts-client-check/1.0' },
    // The spec offers two schemes for the Authorization header; the login token is sent with
    // the ApiToken scheme (type apiKey), so the value carries its "ApiToken " prefix.
    auth: (scheme) => (scheme.type === 'apiKey' && token ? `ApiToken ${token}` : undefined),
  });

  // 1. Log in.
  const loggedIn = await login({ client, body: { userName, password } });
  check(loggedIn.response.status === 200, `login answers 200 (got ${loggedIn.response.status})`);
  check(loggedIn.data?.token, 'login returns a token');
  token = loggedIn.data.token;
  const rawExpires = (JSON.parse(lastRawBody) as { expires?: string }).expires ?? '';
  check(isValidDate(loggedIn.data.expires), `login's expires decodes to a valid Date (wire: ${rawExpires})`);
  check(colonLessOffset.test(rawExpires), `the answer carries Phrase's colon-less offset (${rawExpires})`);
  check(
    loggedIn.data.expires.getTime() === Date.parse(rawExpires.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')),
    `it decodes to the same instant (${loggedIn.data.expires.toISOString()})`,
  );

  // 2. Without a token the call is refused with Phrase's error body.
  const anonymous = createClient({ baseUrl });
  const refused = await createJobFromAsyncDownloadTask({
    client: anonymous,
    path: { projectUid },
    body: { targetLangs: ['de'] },
  });
  const refusedError = refused.error as ErrorResponse | undefined;
  check(refused.response.status === 401, `connectorTask without a token answers 401 (got ${refused.response.status})`);
  check(typeof refusedError?.errorCode === 'string', `the 401 carries an errorCode (${refusedError?.errorCode})`);

  // 3. A repeated target language is refused as Phrase does.
  const lang = projectLangs[0] ?? 'de';
  const duplicate = await createJobFromAsyncDownloadTask({
    client,
    path: { projectUid },
    body: { targetLangs: [lang, lang] },
  });
  check(duplicate.response.status === 400, `a repeated target language answers 400 (got ${duplicate.response.status})`);
  check(
    (duplicate.error as ErrorResponse | undefined)?.errorCode === 'NOT_UNIQUE_TARGET_LANG',
    'the 400 carries errorCode NOT_UNIQUE_TARGET_LANG',
  );

  // 4. Create jobs.
  const targetLangs = projectLangs.slice(0, 2);
  check(targetLangs.length > 0, `the project has target languages (${projectLangs.join(', ')})`);
  const created = await createJobFromAsyncDownloadTask({
    client,
    path: { projectUid },
    query: { downloadTaskId: 'ts-client-check', continuous: false },
    body: {
      targetLangs,
      due: new Date('2026-12-01T17:00:00Z'),
      useProjectFileImportSettings: true,
      path: 'ts-client/check',
    },
  });
  check(created.response.status === 201, `connectorTask answers 201 (got ${created.response.status})`);
  const jobs = created.data?.jobs ?? [];
  check(jobs.length === targetLangs.length, `one job per target language (${jobs.length})`);
  for (const job of jobs) {
    check(job.uid && targetLangs.includes(job.targetLang ?? ''), `job ${job.uid} is for ${job.targetLang}`);
    check(typeof job.status === 'string', `job ${job.uid} has status ${job.status}`);
    check(
      job.dateCreated === undefined || isValidDate(job.dateCreated),
      `job ${job.uid}'s dateCreated decodes to a valid Date`,
    );
  }
  const asyncRequestId = created.data?.asyncRequest?.id;
  check(asyncRequestId, `the answer names its asynchronous request (${asyncRequestId})`);
  check(
    created.data?.asyncRequest?.dateCreated === undefined || isValidDate(created.data.asyncRequest.dateCreated),
    "the asynchronous request's dateCreated decodes to a valid Date",
  );

  // 5. Read the asynchronous request until it has finished (asyncResponse not null).
  let request: AsyncRequestDto | undefined;
  let polls = 0;
  for (; polls < 50; polls++) {
    const got = await getAsyncRequest({ client, path: { asyncRequestId } });
    check(got.response.status === 200, `GET async/${asyncRequestId} answers 200 (poll ${polls + 1})`);
    request = got.data;
    if (request?.asyncResponse) {
      break;
    }
    await sleep(100);
  }
  check(request?.asyncResponse, `the asynchronous request finished after ${polls + 1} polls`);
  check(request.id === asyncRequestId, 'it is the same request');
  check(typeof request.action === 'string', `its action is ${request.action}`);
  check(isValidDate(request.dateCreated), `its dateCreated decodes to a valid Date (${request.dateCreated?.toISOString()})`);
  check(
    request.asyncResponse.dateCreated === undefined || isValidDate(request.asyncResponse.dateCreated),
    "its asyncResponse's dateCreated decodes to a valid Date",
  );
  check(!request.asyncResponse.errorCode, `it succeeded (errorCode: ${request.asyncResponse.errorCode ?? 'none'})`);
}

main().then(
  () => {
    console.log(`ts-client: ${passed} passed, 0 failed`);
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    console.log(`ts-client: ${passed} passed, 1 failed`);
    process.exitCode = 1;
  },
);
