// Runs the compiled TypeScript program against a fresh fake of Phrase TMS.
//
//   node clients/typescript/run.mjs FAKESERVER PROGRAM.js [FAKESERVER FLAGS...]
//
// FAKESERVER is the binary built from clients/typescript/fakeserver (it prints the fake's URL and
// credentials as one JSON line and serves until its stdin closes). The program gets them as
// PHRASE_* environment variables. Exits with the program's status; stops the fake in every case,
// and gives up after 60 seconds.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const [fakeBin, program, ...fakeArgs] = process.argv.slice(2);
if (!fakeBin || !program) {
  console.error('usage: node run.mjs FAKESERVER PROGRAM.js [FAKESERVER FLAGS...]');
  process.exit(2);
}

const fake = spawn(fakeBin, ['-addr', '127.0.0.1:0', ...fakeArgs], { stdio: ['pipe', 'pipe', 'inherit'] });
let child;
const stopAll = () => {
  child?.kill('SIGTERM');
  fake.stdin.end(); // the fake exits when its stdin closes
  fake.kill('SIGTERM');
};
const deadline = setTimeout(() => {
  console.error('ts-client: timed out after 60 s');
  stopAll();
  process.exitCode = 1;
}, 60_000);
deadline.unref();

fake.on('error', (err) => {
  console.error(`ts-client: cannot start the fake (${fakeBin}): ${err.message}`);
  process.exit(1);
});
fake.on('exit', (code) => {
  if (child === undefined) {
    console.error(`ts-client: the fake exited (status ${code}) before printing its address`);
    process.exit(1);
  }
});

const lines = createInterface({ input: fake.stdout });
const first = await new Promise((resolve) => lines.once('line', resolve));
lines.close();
fake.stdout.resume(); // the fake prints nothing more; keep the pipe drained all the same
const info = JSON.parse(first);
console.log(`ts-client: fake of Phrase at ${info.url}${fakeArgs.length ? ` (${fakeArgs.join(' ')})` : ''}`);

child = spawn(process.execPath, [program], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PHRASE_URL: info.url,
    PHRASE_USERNAME: info.username,
    PHRASE_PASSWORD: info.password,
    PHRASE_PROJECT_UID: info.projectUid,
    PHRASE_TARGET_LANGS: (info.targetLangs ?? []).join(','),
  },
});
const status = await new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
fake.stdin.end();
await new Promise((resolve) => (fake.exitCode !== null ? resolve() : fake.on('exit', resolve)));
clearTimeout(deadline);
process.exitCode = process.exitCode || status;
