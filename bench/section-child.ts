/**
 * Runs one section in a process of its own (started by run.ts with `--expose-gc`), so that sections
 * cannot disturb each other: the SSM mock of one cannot reach the real client of another, and each
 * memory figure starts from a fresh heap. Sends the outcome to the parent over IPC.
 *
 * Usage: node --expose-gc --import tsx bench/section-child.ts <pure|handler|http> [--quick]
 */
import { isSectionName, type SectionName, type SectionOptions, type SectionOutcome } from './results';
import { runHandler } from './sections/handler';
import { runHttp } from './sections/http';
import { runPure } from './sections/pure';

export type ChildMessage =
  | { readonly kind: 'outcome'; readonly outcome: SectionOutcome }
  | { readonly kind: 'error'; readonly error: string };

const SECTIONS: Readonly<Record<SectionName, (options: SectionOptions) => Promise<SectionOutcome>>> = {
  pure: runPure,
  handler: runHandler,
  http: runHttp,
};

const reply = (message: ChildMessage, exitCode: number): void => {
  if (!process.send) {
    process.stdout.write(`${JSON.stringify(message, null, 2)}\n`);
    process.exit(exitCode);
  }
  // Exit once the message is flushed: a library's lingering keep-alive socket must not keep the child up.
  process.send(message, () => process.exit(exitCode));
};

const main = async (): Promise<void> => {
  // The SDK warns once per process that Node 20 support ends; the warning says nothing about performance.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const [name, ...flags] = process.argv.slice(2);
  if (!isSectionName(name)) throw new Error(`unknown section ${String(name)}`);
  const outcome = await SECTIONS[name]({ quick: flags.includes('--quick') });
  reply({ kind: 'outcome', outcome }, 0);
};

main().catch((error: unknown) => {
  reply({ kind: 'error', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, 1);
});
