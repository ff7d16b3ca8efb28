import type { ReadStream, WriteStream } from "node:tty";

// Handing the terminal to another program (tmux attach) and taking it back. Three things go
// wrong without this; the first two were seen with a real nested tmux client (tmux 3.3a):
// - Node goes on reading the terminal after Ink unmounts (Ink removes its listener but never
//   stops the read), so it races the attached program for every key and for the terminal's
//   replies to that program's start-up queries; what it wins is handed to the dashboard when it
//   comes back: a C-b meant for tmux is lost, an Enter typed twice attaches again, a q quits.
// - tmux's client, on its way out, makes its standard input blocking. That is the very open file
//   of ao's own standard input, which libuv still believes non-blocking: the next time ao reads
//   after another reader took the bytes, the read waits for a key with the whole dashboard stopped.
// - What the attached program wrote last (its terminal reset, its exit message) must be on the
//   screen before the dashboard's first frame, not after it, or it wipes a frame that is never
//   drawn again while nothing changes.

/** Device status report: the terminal answers with the cursor position, after all it was sent before. */
const ASK_POSITION = "\u001b[6n";
// eslint-disable-next-line no-control-regex -- the reply is an escape sequence
const POSITION_REPLY = /\u001b\[\d+;\d+R/;

interface StreamHandle {
  reading?: boolean;
  readStop?: () => number;
  setBlocking?: (blocking: boolean) => number;
}
const handleOf = (stdin: ReadStream) => (stdin as unknown as { _handle?: StreamHandle | null })._handle ?? null;

interface ReadState {
  reading: boolean;
}
const stateOf = (stdin: ReadStream) => (stdin as unknown as { _readableState: ReadState })._readableState;

/**
 * Stop reading the terminal until `takeBack`. pause() does nothing here: a stream read through
 * 'readable' (as Ink reads) is never "flowing", so it emits no 'pause' and the read goes on. So
 * the read is stopped at the handle, as Node does for process.stdin on pause, and the stream is
 * told a read is still under way, or its own read-ahead (a read(0) queued for the next tick)
 * would start it again at once.
 */
export function stopReading(stdin: ReadStream): void {
  const handle = handleOf(stdin);
  if (!handle?.readStop) return;
  handle.readStop();
  handle.reading = false;
  stateOf(stdin).reading = true;
}

/**
 * The terminal is the dashboard's again, once what the attached program wrote has been drawn:
 * the terminal answers a position request only after everything sent before it, and whatever
 * it sent ao before that answer (keys typed to the program, its replies to the program's
 * queries) is dropped rather than taken as the dashboard's keys. A terminal that does not
 * answer holds it up `timeoutMs` at most. Keys the dashboard had not handled when it stepped
 * aside are dropped the same way.
 */
export function takeBack(stdin: ReadStream, stdout: WriteStream, timeoutMs = 1000): Promise<void> {
  // libuv reads this file as non-blocking; the program that had it may have left it blocking.
  handleOf(stdin)?.setBlocking?.(false);
  if (stdin.isTTY) stdin.setRawMode(true);
  // The listener below asks for a read, which starts reading again.
  stateOf(stdin).reading = false;
  return new Promise((resolve) => {
    let seen = "";
    let timer: NodeJS.Timeout | null = null;
    const done = () => {
      if (timer === null) return;
      clearTimeout(timer);
      timer = null;
      stdin.off("readable", onReadable);
      // Reading goes on: what comes next is the dashboard's (Ink takes it as it mounts).
      resolve();
    };
    const onReadable = () => {
      let chunk: string | Buffer | null;
      while ((chunk = stdin.read() as string | Buffer | null) !== null) {
        seen = (seen + String(chunk)).slice(-64);
        if (POSITION_REPLY.test(seen)) return done();
      }
    };
    timer = setTimeout(done, timeoutMs);
    stdin.on("readable", onReadable);
    stdout.write(ASK_POSITION);
  });
}
