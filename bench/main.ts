// How every benchmark script runs: its main, and on an error the error printed and exit code 1, whatever is still
// open (a main's own `finally` has stopped its emulator by then).
export function runMain(main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
